"""Retake the README's screenshots from a running demo: `python docs/screenshots.py http://127.0.0.1:8000`."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = [("nh.agent", "/desk/?q=bygg", "agent-desk.png"), ("nh.supervisor", "/supervisor/", "supervisor-centre.png")]


def main(base_url: str) -> None:
    out = Path(__file__).parent / "screenshots"
    out.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for username, path, name in SHOTS:
            page = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}).new_page()
            page.goto("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "civicdesk-demo")
            page.click("main button[type=submit]")
            page.goto(path)
            page.screenshot(path=str(out / name), full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
