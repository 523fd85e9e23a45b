// Run in the page by the end-to-end layout test (tests/e2e_trust_layout.rs): lists what a
// customer would see cut off. One expression (the test sends `return (<this file>)`);
// its value is { problems: [...], scrollers: [...] }.
//
// - The content pane (main.content) and the page do not scroll sideways.
// - No visible element of the content pane or of an open dialog sticks out of the box
//   that clips it, unless that box scrolls on its own (overflow auto/scroll), which
//   shows a scroll bar; such boxes are listed in `scrollers`.
// - No element's content spills sideways out of a box that does not clip it (it would
//   run over its neighbours).
// - An element that hides its own overflow (overflow hidden/clip) does not cut its
//   text, unless it ends the text with an ellipsis and has the whole text as its title.
// - An open dialog lies inside the window; what does not fit scrolls inside it.
(() => {
  const SLACK = 1;
  const problems = [];
  const scrollers = [];
  const name = (el) => {
    const id = el.getAttribute("data-testid");
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const text = (el.innerText || el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ""}${cls} "${text}"`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const clipsX = (style) => style.overflowX !== "visible";
  const clipsY = (style) => style.overflowY !== "visible";
  const scrolls = (v) => v === "auto" || v === "scroll";
  // Visually hidden helpers (1px, clipped) are for screen readers only.
  const screenReaderOnly = (el) => {
    const r = el.getBoundingClientRect();
    return r.width <= 1 && r.height <= 1;
  };

  function checkInside(root) {
    for (const el of root.querySelectorAll("*")) {
      if (!visible(el) || screenReaderOnly(el)) continue;
      const r = el.getBoundingClientRect();
      for (let box = el.parentElement; box && box !== document.documentElement; box = box.parentElement) {
        const style = getComputedStyle(box);
        const x = clipsX(style);
        const y = clipsY(style);
        if (!x && !y) {
          if (box === root) break;
          continue;
        }
        const b = box.getBoundingClientRect();
        const left = b.left + box.clientLeft;
        const top = b.top + box.clientTop;
        const right = left + box.clientWidth;
        const bottom = top + box.clientHeight;
        const outX = x && (r.left < left - SLACK || r.right > right + SLACK);
        const outY = y && (r.top < top - SLACK || r.bottom > bottom + SLACK);
        // A box that ends its text with an ellipsis and carries the whole text as its
        // title shortens on purpose (a very long address in a list of thousands).
        const shortened = style.textOverflow === "ellipsis" && box.hasAttribute("title");
        if (outX && !scrolls(style.overflowX) && !shortened) {
          problems.push(`${name(el)} is cut off sideways by ${name(box)} (${Math.round(r.right - right)}px)`);
        }
        if (outY && !scrolls(style.overflowY)) {
          problems.push(`${name(el)} is cut off at the top or bottom by ${name(box)}`);
        }
        // The nearest clipping box decides; a box that scrolls shows the rest.
        break;
      }
      const own = getComputedStyle(el);
      if (
        (own.overflowX === "hidden" || own.overflowX === "clip") &&
        el.scrollWidth > el.clientWidth + SLACK &&
        !(own.textOverflow === "ellipsis" && el.hasAttribute("title"))
      ) {
        problems.push(`${name(el)} cuts its own content (${el.scrollWidth} > ${el.clientWidth})`);
      }
      // Content that spills out of a box that does not clip it runs over its neighbours
      // (a long invoice number under a badge).
      if (
        own.overflowX === "visible" &&
        own.display !== "inline" &&
        el.clientWidth > 0 &&
        el.scrollWidth > el.clientWidth + SLACK
      ) {
        problems.push(`${name(el)} spills out of its box (${el.scrollWidth} > ${el.clientWidth})`);
      }
      if ((scrolls(own.overflowX) && el.scrollWidth > el.clientWidth + SLACK) || (scrolls(own.overflowY) && el.scrollHeight > el.clientHeight + SLACK)) {
        scrollers.push(`${name(el)} scrolls (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
      }
    }
  }

  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + SLACK) {
    const out = [...document.body.querySelectorAll("*")]
      .filter((el) => visible(el) && el.getBoundingClientRect().right > doc.clientWidth + SLACK)
      .filter((el, _, all) => !all.some((other) => other !== el && el.contains(other)))
      .slice(0, 5)
      .map(name);
    problems.push(`the page is wider than the window (${doc.scrollWidth} > ${doc.clientWidth}): ${out.join("; ")}`);
  }
  const pane = document.querySelector("main.content");
  if (pane) {
    if (pane.scrollWidth > pane.clientWidth + SLACK) {
      problems.push(`the content pane scrolls sideways (${pane.scrollWidth} > ${pane.clientWidth})`);
    }
    checkInside(pane);
  } else {
    // The login screen has no content pane: check the whole page.
    checkInside(document.body);
  }
  for (const dialog of document.querySelectorAll("[role=dialog], [role=alertdialog]")) {
    if (!visible(dialog)) continue;
    const r = dialog.getBoundingClientRect();
    if (r.left < -SLACK || r.top < -SLACK || r.right > innerWidth + SLACK || r.bottom > innerHeight + SLACK) {
      problems.push(`${name(dialog)} does not fit the window (${Math.round(r.width)}x${Math.round(r.height)} in ${innerWidth}x${innerHeight})`);
    }
    if (dialog.scrollWidth > dialog.clientWidth + SLACK) {
      problems.push(`${name(dialog)} scrolls sideways (${dialog.scrollWidth} > ${dialog.clientWidth})`);
    }
    if (!pane || !pane.contains(dialog)) checkInside(dialog);
  }
  return { problems: [...new Set(problems)], scrollers: [...new Set(scrollers)] };
})()
