import { mount } from "svelte";
import App from "./App.svelte";
import "./styles.css";

// A browser preview with made-up data (see src/dev/mock.ts). The mode is a build-time
// constant, so production builds drop this branch and the module.
if (import.meta.env.MODE === "preview") {
  const { installMock } = await import("./dev/mock");
  installMock();
}

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
export default mount(App, { target });
