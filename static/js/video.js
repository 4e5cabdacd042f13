// Click-to-load video: nothing from a video host loads before the visitor asks for it.
// Without this script each button is a plain link the visitor follows.

const frameIn = (slot, src, title) => {
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = title;
  frame.className = "video-frame";
  frame.allow = "camera; microphone; fullscreen; display-capture; autoplay";
  frame.allowFullscreen = true;
  slot.replaceChildren(frame);
  frame.focus();
};

for (const link of document.querySelectorAll("[data-video-embed], [data-video-conference]")) {
  if (link.dataset.videoBound) continue;
  link.dataset.videoBound = "1";
  const slot = link.closest("[data-video-slot]");
  link.addEventListener("click", async (event) => {
    if (!slot || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.dataset.videoEmbed) {
      frameIn(slot, link.dataset.videoEmbed, link.dataset.videoTitle || "");
      return;
    }
    // The conference's address (with the member's own token) is asked for at the click.
    try {
      const response = await fetch(link.href, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const { url } = await response.json();
      frameIn(slot, url, link.dataset.videoTitle || "");
    } catch {
      window.location.assign(link.href);
    }
  });
}
