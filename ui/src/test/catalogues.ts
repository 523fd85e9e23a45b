// Both languages' strings for every unit test, as the app has them once loaded.
import { useCatalogue } from "../lib/i18n.svelte";
import { catalogue as en } from "../lib/messages/en";
import { catalogue as de } from "../lib/messages/de";

useCatalogue("en", en);
useCatalogue("de", de);
