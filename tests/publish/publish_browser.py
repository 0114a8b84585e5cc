"""Headless Chromium driven over the DevTools protocol, through a pipe: no websocket library needed.

``chromium --remote-debugging-pipe`` reads commands from file descriptor 3 and writes replies to
4, each a JSON object ended by a NUL byte. That is enough to set a real viewport of any width (the
``--window-size`` flag cannot go below 500 px in headless Chromium), to evaluate a script in the
page (which the page's Content-Security-Policy does not govern: DevTools is not the page) and to
capture the whole page as a PNG. Only this test helper uses it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

__all__ = ["OVERFLOW_SCRIPT", "Browser", "chromium_path"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _pipes_at_3_and_4(read_end: int, write_end: int) -> None:
    """In the child: the command pipe at fd 3, the reply pipe at fd 4 (via high numbers, so that
    neither end is closed by the other's dup2)."""
    os.dup2(read_end, 100)
    os.dup2(write_end, 101)
    os.dup2(100, 3)
    os.dup2(101, 4)


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, profile: Path, timeout: float = 60.0) -> None:
        executable = chromium_path()
        if executable is None:
            raise FileNotFoundError("chromium")
        self.timeout = timeout
        commands_read, commands_write = os.pipe()
        replies_read, replies_write = os.pipe()
        self._process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=lambda: _pipes_at_3_and_4(commands_read, replies_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._commands = os.fdopen(commands_write, "wb", buffering=0)
        self._replies = os.fdopen(replies_read, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for stream in (self._commands, self._replies):
            stream.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: bool = False) -> dict[str, Any]:
        """Send one command and wait for its reply (events in between are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        self._commands.write(json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self._buffer:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no reply to {method} within {self.timeout} s")
                chunk = self._replies.read(1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, page: Path, width: int, height: int = 900) -> None:
        """Load ``page`` in a viewport ``width`` CSS pixels wide, and wait until it and its fonts are ready."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, session=True)
        deadline = time.monotonic() + self.timeout
        while self.evaluate("document.readyState") != "complete" or not self.evaluate(
            "document.fonts.status === 'loaded'"
        ):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{page} did not finish loading")
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, png: Path, *, clip_height: int | None = None, scale: float = 1.0) -> None:
        """The whole page as a PNG (or its first ``clip_height`` CSS pixels), at ``scale``."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        width = self.evaluate("document.documentElement.clientWidth")
        height = self.evaluate("document.documentElement.scrollHeight")
        height = min(height, clip_height) if clip_height else height
        params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}
        data = self.send("Page.captureScreenshot", params, session=True)["data"]
        png.write_bytes(base64.b64decode(data))


OVERFLOW_SCRIPT = """
(() => {
  const width = document.documentElement.clientWidth;
  const clips = (element) => {  // an HTML box that scrolls or clips (Chromium ignores overflow on MathML)
    if (element.namespaceURI !== "http://www.w3.org/1999/xhtml") return false;
    const style = getComputedStyle(element);
    return ["auto", "scroll", "hidden", "clip"].includes(style.overflowX);
  };
  const out = [];
  const boxes = [];
  for (const element of document.body.querySelectorAll("*")) boxes.push([element, element.getBoundingClientRect()]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {  // text can overflow its box
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    boxes.push([node.parentElement, range.getBoundingClientRect()]);
  }
  for (const [element, box] of boxes) {
    if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
    let ancestor = element.parentElement, contained = clips(element) && element !== document.body;
    if (contained) {
      const own = element.getBoundingClientRect();
      contained = own.right <= width + 0.5 && own.left >= -0.5;
    }
    while (!contained && ancestor && ancestor !== document.body) {
      if (clips(ancestor)) {
        const outer = ancestor.getBoundingClientRect();
        if (outer.right <= width + 0.5 && outer.left >= -0.5) { contained = true; break; }
      }
      ancestor = ancestor.parentElement;
    }
    if (!contained) {
      const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
      const name = `${element.tagName.toLowerCase()}.${element.className || ""}`;
      out.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)} "${text}"`);
    }
  }
  return {
    width: width,
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    overflowing: out,
  };
})()
"""
"""Every element that reaches past the page's width and is not inside a box that scrolls or clips
it within the page; and the page's width and scroll width."""
