"""The build's browser: headless Chromium, its contexts and pages, over CDP (cdp.py).

Only what the layout pass and the slide PDFs use: a page at a given size,
served its documents by the build, that loads, evaluates, waits and prints.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Awaitable, Callable

from coursebuild.browser.cdp import (
    CLOSE_SECONDS,
    ConnectedChromium,
    LaunchedChromium,
    ProtocolError,
)

# Chromium's switches for a build (Playwright's for a headless launch, and
# ours in chromium.LAUNCH_ARGUMENTS after them): the decks are laid out as
# the test suite's browser, which Playwright starts, shows them.
HEADLESS_SWITCHES = [
    "--headless",
    "--hide-scrollbars",
    "--mute-audio",
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,"
    "primaryPointerType=4,availablePointerTypes=4",
    "--force-color-profile=srgb",
    "--disable-field-trial-config",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--password-store=basic",
    "--use-mock-keychain",
    "--no-service-autorun",
]
# Playwright's default fonts on Linux, set on each page as it sets them.
FONT_FAMILIES = {
    "standard": "Times New Roman",
    "fixed": "Monospace",
    "serif": "Times New Roman",
    "sansSerif": "Arial",
    "cursive": "Comic Sans MS",
    "fantasy": "Impact",
}

# Polls a predicate (%s: its source) once an animation frame until it holds.
WAIT_FOR = """() => new Promise((done) => {
  const holds = %s;
  const check = () => (holds() ? done(true) : requestAnimationFrame(check));
  check();
})"""
ADD_STYLE = """(css) => {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
}"""


class PageError(Exception):
    """A script of ours threw in the page, or the page did not do what it was told."""


class Browser:
    """A headless Chromium: started by the build, or the test suite's, connected to."""

    def __init__(self, chromium: LaunchedChromium | ConnectedChromium) -> None:
        self.chromium = chromium
        self.connection = chromium.connection
        self.contexts: list[str] = []
        self.connection.on(None, "Target.detachedFromTarget", self.detached)

    @classmethod
    async def launch(cls, executable: str, arguments: list[str]) -> Browser:
        return cls(await LaunchedChromium.start(executable, [*HEADLESS_SWITCHES, *arguments]))

    @classmethod
    async def connect(cls, endpoint: str) -> Browser:
        return cls(await ConnectedChromium.connect(endpoint))

    def detached(self, event: dict) -> None:
        self.connection.fail_session(event["sessionId"], ProtocolError("the page closed"))

    async def new_context(self) -> str:
        """A new browser context (cookies, cache and storage of its own); its id."""
        result = await self.connection.send("Target.createBrowserContext", {})
        self.contexts.append(result["browserContextId"])
        return result["browserContextId"]

    async def close(self) -> None:
        """Close what this build opened; a browser it started, too."""
        if isinstance(self.chromium, ConnectedChromium):
            for context in self.contexts:
                with contextlib.suppress(ProtocolError, TimeoutError):
                    closing = {"browserContextId": context}
                    await asyncio.wait_for(
                        self.connection.send("Target.disposeBrowserContext", closing),
                        CLOSE_SECONDS,
                    )
        await self.chromium.close()


Interceptor = Callable[[str], Awaitable[bytes | None]]


class Page:
    """A page of ``context`` at width × height px; every call bounded by ``timeout`` s."""

    def __init__(
        self, browser: Browser, context: str, session: str, target: str, timeout: float
    ) -> None:
        self.connection = browser.connection
        self.context = context
        self.session = session
        self.target = target
        self.timeout = timeout
        self.loads: set[str] = set()  # the loaders whose documents have fired "load"
        self.load_seen = asyncio.Event()
        self.interceptor: Interceptor | None = None
        self.tasks: set[asyncio.Task] = set()
        self.listen("Page.lifecycleEvent", self.lifecycle)
        self.listen("Page.javascriptDialogOpening", self.dismiss_dialog)
        self.listen("Inspector.targetCrashed", self.crashed)
        self.listen("Fetch.requestPaused", self.request_paused)

    @classmethod
    async def open(
        cls, browser: Browser, context: str, width: int, height: int, timeout: float
    ) -> Page:
        send = browser.connection.send
        target = (
            await send("Target.createTarget", {"url": "about:blank", "browserContextId": context})
        )["targetId"]
        session = (await send("Target.attachToTarget", {"targetId": target, "flatten": True}))[
            "sessionId"
        ]
        page = cls(browser, context, session, target, timeout)
        await asyncio.gather(
            page.call("Page.enable"),
            page.call("Page.setLifecycleEventsEnabled", {"enabled": True}),
            page.call("Page.setFontFamilies", {"fontFamilies": FONT_FAMILIES}),
            page.call("Emulation.setFocusEmulationEnabled", {"enabled": True}),
            page.call(
                "Emulation.setDeviceMetricsOverride",
                {
                    "mobile": False,
                    "width": width,
                    "height": height,
                    "screenWidth": width,
                    "screenHeight": height,
                    "deviceScaleFactor": 1,
                    "screenOrientation": {"angle": 0, "type": "landscapePrimary"},
                },
            ),
        )
        return page

    def listen(self, event: str, listener: Callable[[dict], None]) -> None:
        self.connection.on(self.session, event, listener)

    def spawn(self, work: Awaitable) -> None:
        """Run ``work`` beside the page's calls (an event's answer must not wait on them)."""
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def call(self, method: str, params: dict | None = None) -> dict:
        try:
            return await asyncio.wait_for(
                self.connection.send(method, params, self.session), self.timeout
            )
        except TimeoutError:
            raise PageError(f"{method} took more than {self.timeout:.0f} s") from None
        except ProtocolError as error:
            raise PageError(f"{method}: {error}") from None

    # ---------------------------------------------------------------- events

    def lifecycle(self, event: dict) -> None:
        if event.get("name") == "load" and event.get("frameId") == self.target:
            self.loads.add(event["loaderId"])
            self.load_seen.set()

    def dismiss_dialog(self, _event: dict) -> None:
        self.spawn(self.call("Page.handleJavaScriptDialog", {"accept": False}))

    def crashed(self, _event: dict) -> None:
        self.connection.fail_session(self.session, ProtocolError("the page crashed"))

    def request_paused(self, event: dict) -> None:
        self.spawn(self.answer_request(event["requestId"], event["request"]["url"]))

    async def answer_request(self, request: str, url: str) -> None:
        body = await self.interceptor(url) if self.interceptor is not None else None
        try:
            if body is None:
                refusal = {"requestId": request, "errorReason": "Failed"}
                await self.call("Fetch.failRequest", refusal)
                return
            await self.call(
                "Fetch.fulfillRequest",
                {
                    "requestId": request,
                    "responseCode": 200,
                    "responseHeaders": [
                        {"name": "Content-Type", "value": "text/html; charset=utf-8"}
                    ],
                    "body": base64.b64encode(body).decode("ascii"),
                },
            )
        except PageError:
            pass  # the page went on without it (a new load): nothing waits for this answer

    # ---------------------------------------------------------------- what a page does

    async def intercept(self, interceptor: Interceptor) -> None:
        """Answer each request of the page with ``interceptor``'s document; None refuses it."""
        self.interceptor = interceptor
        await self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})

    async def goto(self, url: str) -> None:
        """Load ``url``; return when its document has fired "load"."""
        result = await self.call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise PageError(f"cannot load {url}: {result['errorText']}")
        loader = result.get("loaderId")

        async def loaded() -> None:
            while loader not in self.loads:
                self.load_seen.clear()
                await self.load_seen.wait()

        try:
            await asyncio.wait_for(loaded(), self.timeout)
        except TimeoutError:
            raise PageError(f"{url} did not load in {self.timeout:.0f} s") from None
        self.loads.clear()

    async def evaluate(self, function: str, argument=None):
        """``function`` (a script's source) called in the page with ``argument``; its value.

        A promise is awaited. The value and the argument go as JSON.
        """
        expression = f"({function})({json.dumps(argument)})"
        result = await self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            raise PageError(thrown_message(result["exceptionDetails"]))
        value = result.get("result", {})
        if "unserializableValue" in value:
            return float(value["unserializableValue"].replace("Infinity", "inf"))
        return value.get("value")

    async def wait_for(self, predicate: str) -> None:
        """Return once ``predicate`` (a function's source) holds, checked each animation frame."""
        await self.evaluate(WAIT_FOR % predicate)

    async def add_style(self, css: str) -> None:
        await self.evaluate(ADD_STYLE, css)

    async def pdf(self) -> bytes:
        """The page printed, at its CSS page size, with its backgrounds."""
        result = await self.call(
            "Page.printToPDF",
            # Playwright's defaults: the same bytes as when the build printed through it.
            {
                "landscape": False,
                "displayHeaderFooter": False,
                "printBackground": True,
                "scale": 1,
                "paperWidth": 8.5,
                "paperHeight": 11,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
                "pageRanges": "",
                "preferCSSPageSize": True,
                "generateTaggedPDF": False,
                "generateDocumentOutline": False,
            },
        )
        return base64.b64decode(result["data"])


def thrown_message(details: dict) -> str:
    """What a script threw, as its message: "Error: too many slides\\n at …" → "too many slides"."""
    exception = details.get("exception", {})
    text = exception.get("description") or str(exception.get("value") or details.get("text"))
    return text.strip().split("\n")[0].removeprefix("Uncaught ").removeprefix("Error: ")
