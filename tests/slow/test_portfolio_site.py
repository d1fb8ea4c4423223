"""The portfolio of three trained projects (three templates), checked in headless Chromium.

Each trained project is copied, committed and pushed (to a bare repository, its origin then named
as on GitHub), as `mlport publish` leaves it. `mlport portfolio` then writes the profile README
and the site; every number they show must be the reports' own, and the site must read on a
1280 px screen and a 390 px phone: headlines in view with no sideways scrolling, every image
loaded, every local link and resource present, nothing fetched from elsewhere.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from mlport.portfolio import build_portfolio
from mlport.portfolio.headline import parse_headline, places, plain
from tests.slow.harness import Project, Trained

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# The machine's flags for a headless Chromium that reaches nothing outside.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SCREENS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
METRIC_ROW = re.compile(r"<tr>\s*<td>([\w.]+)</td>\s*<td>(-?\d+\.\d+)</td>")


def publish_copy(project: Project, folder: Path) -> Path:
    """A copy of the trained project, its results committed and pushed, origin on GitHub."""
    copy = project.copy_to(folder)
    copy.run("git", "add", "--all")
    copy.run("git", "commit", "--quiet", "--no-verify", "-m", "Add the results of dvc repro")
    bare = folder / f"{copy.path.name}.git"
    copy.run("git", "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    copy.run("git", "remote", "add", "origin", str(bare))
    copy.run("git", "push", "--quiet", "--set-upstream", "origin", "main")
    copy.run("git", "remote", "set-url", "origin", f"https://github.com/ada-l/{copy.path.name}")
    return copy.path


def agrees(shown: str, actual: float) -> bool:
    """A number as shown (rounded to its decimals) against the value in the reports."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return abs(float(shown) - actual) <= 0.5 * 10**-decimals + 1e-12


def expected_numbers(evaluation: dict) -> list[float]:
    head = evaluation["headline"]
    numbers = [head["value"], *(head.get("interval") or [])]
    if head.get("std") is not None:
        numbers.append(head["std"])
    numbers += [
        baseline["metrics"][head["metric"]]
        for baseline in evaluation["baselines"]
        if head["metric"] in baseline["metrics"]
    ]
    if (head.get("target") or {}).get("value") is not None:
        numbers.append(head["target"]["value"])
    return numbers


@pytest.fixture(scope="module")
def portfolio(
    tabular_trained: Trained,
    image_trained: Trained,
    rl_trained: tuple[Project, float],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("portfolio-projects")
    trained = [tabular_trained.project, image_trained.project, rl_trained[0]]
    paths = [publish_copy(project, folder) for project in trained]
    return tmp_path_factory.mktemp("portfolio") / "out", paths


def test_profile_readme_and_site_show_the_reports_numbers(
    portfolio: tuple[Path, list[Path]],
) -> None:
    out, paths = portfolio
    built = build_portfolio([paths[0].parent], out, profile_readme=True, site=True)

    assert [entry.problems for entry in built.entries] == [[], [], []]
    assert sorted(entry.template for entry in built.entries) == [
        "image-cnn",
        "rl-agent",
        "tabular-classifier",
    ]
    readme = (out / "profile" / "README.md").read_text()
    index = (out / "site" / "index.html").read_text()
    for entry in built.entries:
        evaluation = json.loads((entry.path / "reports" / "evaluation.json").read_text())
        metrics = json.loads((entry.path / "reports" / "metrics.json").read_text())
        head = parse_headline(evaluation)
        assert head.value == metrics[head.metric]
        expected = expected_numbers(evaluation)
        line = plain(head)
        numbers = re.findall(r"-?\d+\.\d+|(?<=solved at )\d+(?:\.\d+)?", line)
        assert len(numbers) == len(expected), (line, expected)
        assert all(agrees(s, v) for s, v in zip(numbers, expected, strict=True)), (line, expected)
        assert all(len(s.split(".")[1]) == places(head.value) for s in numbers if "." in s)

        row = next(row for row in readme.splitlines() if row.startswith(f"| [{entry.name}]("))
        row_numbers = re.findall(r"-?\d+\.\d+|(?<=solved at )\d+(?:\.\d+)?", row.split(" | ")[2])
        assert row_numbers == numbers, row
        assert f"](https://github.com/ada-l/{entry.path.name})" in row
        thumbnail = out / "profile" / "thumbnails" / f"{entry.slug}.png"
        with Image.open(thumbnail) as image, Image.open(entry.path / entry.figure.path) as full:
            assert image.width <= 320 and image.height <= 320
            assert image.width < full.width
        page = (out / "site" / entry.slug / "index.html").read_text()
        for document in (index, page):
            found = re.search(r'<p class="headline">(.*?)</p>', document.split(entry.name, 1)[1])
            assert found, entry.name
            text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
            assert text == line
        # The README's metrics table, as the page renders it, holds the metrics file's numbers.
        table = [(name, value) for name, value in METRIC_ROW.findall(page) if name in metrics]
        assert len(table) >= 3, page[:2000]
        assert all(agrees(value, metrics[name]) for name, value in table), table


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "chromium and chromium-driver are not installed "
            "(apt-get install -y chromium chromium-driver; .ci/run does it)"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def local_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_site_reads_on_a_desktop_and_a_phone(
    portfolio: tuple[Path, list[Path]], browser, screen: str, tmp_path: Path
) -> None:
    out, paths = portfolio
    built = build_portfolio([paths[0].parent], out, site=True)
    width, height, mobile = SCREENS[screen]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    site = out / "site"
    pages = [site / "index.html", *(site / entry.slug / "index.html" for entry in built.entries)]
    for page in pages:
        browser.get(page.as_uri())
        view = browser.execute_script("return [window.innerWidth, window.innerHeight]")
        assert view[0] == width, f"{page}: the viewport is {view[0]} px wide"
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{page}: {scroll} px wide on a {width} px screen"
        headlines = browser.execute_script(
            "return [...document.querySelectorAll('.headline')].map(e => {"
            "const r = e.getBoundingClientRect(); return [e.innerText, r.left, r.right, "
            "r.top + window.scrollY, r.width, getComputedStyle(e).visibility]; })"
        )
        expected = 3 if page.parent == site else 1
        assert len(headlines) >= expected, page
        for text, left, right, _top, shown_width, visibility in headlines[:expected]:
            assert left >= 0 and right <= width and shown_width > 0 and visibility == "visible"
            assert re.search(r"\d\.\d", text), text
        if page.parent != site:  # a project's page leads with its headline
            assert headlines[0][3] < height, f"{page}: the headline is below the first screen"
        browser.save_screenshot(str(tmp_path / f"{screen}-{page.parent.name}.png"))
        images = browser.execute_script(
            "return [...document.images].map(i => { i.loading = 'eager'; "
            "i.scrollIntoView(); return i.src; })"
        )
        browser.execute_script("window.scrollTo(0, 0)")
        loaded = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
            ".then(() => done([...document.images].map(i => [i.src, i.naturalWidth, i.alt])));"
        )
        assert len(loaded) == len(images) and loaded, page
        for src, natural_width, alt in loaded:
            assert natural_width > 0, f"{page}: {src} did not load"
            assert alt.strip(), f"{page}: {src} has no alt text"
        links = browser.execute_script(
            "return [...document.querySelectorAll('a[href], link[href]')].map(a => a.href)"
        )
        for link in links:
            if link.startswith("file:"):
                assert local_path(link).is_file(), f"{page}: {link} is missing"
            else:
                assert link.startswith(("https://", "http://")), f"{page}: {link}"
        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"
        )
        assert all(name.startswith("file:") for name in fetched), fetched
        assert browser.execute_script("return document.documentElement.lang") == "en"
        assert not browser.execute_script("return document.scripts.length")
