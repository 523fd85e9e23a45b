import { mount } from "svelte";
import App from "./App.svelte";
import "./styles.css";

// A browser preview with made-up data (see src/dev/mock.ts). The mode is a build-time
// constant, so production builds drop this branch and the module.
if (import.meta.env.MODE === "preview") {
  const { installMock } = await import("./dev/mock");
  installMock();
}

// Files dropped on the window reach the page (the bounce explainer reads a dropped .eml
// file); a drop anywhere else must not make the webview open the file in its place.
for (const type of ["dragover", "drop"] as const) {
  window.addEventListener(type, (event) => event.preventDefault());
}

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
export default mount(App, { target });
