"""The reference realtime client (examples/realtime-client.html) in a real browser: Debian's
headless Chromium with a fake microphone opens a realtime interview through the local gateway,
connects with WebRTC to a local fake of OpenAI's Realtime endpoint (an aiortc peer answering the
SDP offer and speaking the GA event protocol over the `oai-events` data channel), relays the
events in batches, sends the backend's tool outputs back, shows both transcripts and hangs up
when the backend says the interview is over. Skipped, with the reason printed, where Chromium,
its driver or aiortc is not installed or cannot start."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg.rows import dict_row

from local import postgres
from tests.e2e.conftest import serve_gateway
from tests.fake_openai import FakeOpenAI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ANSWERS = [
    "A list is mutable and a tuple is not, so only a tuple can be a dictionary key.",
    "A generator yields one value at a time, so a big file is read in constant memory.",
    "I close the connection in a context manager so errors cannot leak it.",
    "A decorator wraps a function; functools.wraps keeps its name for tracebacks.",
    "The GIL runs one thread's bytecode at a time; CPU-bound work goes to processes.",
    "I would profile with cProfile before changing anything, then fix the hot loop.",
    "asyncio suits many slow network calls on one thread; each await yields control.",
    "A frozen dataclass is hashable and safe to share between threads.",
    "I test services against fakes and each query once against a real database.",
    "mypy catches wrong argument types before the code runs; protocols type duck typing.",
    "A metaclass changes how classes are built; a class decorator is usually enough.",
    "For a slow endpoint: an index, keyset pagination and a cache for the hot reads.",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make bootstrap installs them as root)")
    pytest.importorskip("aiortc", reason="aiortc (requirements-dev.txt) is not installed: no fake WebRTC peer")
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    profile = tempfile.mkdtemp(prefix="teamified-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",  # grant the microphone without asking
        "--use-fake-device-for-media-stream",  # a synthetic microphone
        "--autoplay-policy=no-user-gesture-required",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        pytest.skip(f"Chromium could not start here: {exc.msg}")
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def realtime_stack(stack_env, supabase_url) -> Iterator[dict[str, Any]]:
    """A gateway with realtime on, its OpenAI calls going to a fake and its WebRTC calls to a fake peer."""
    from tests.fake_realtime_peer import FakeRealtimePeer

    fake = FakeOpenAI(auto=True)
    peer = FakeRealtimePeer(fake.minted.get, ANSWERS)
    env = {
        **stack_env,
        "AI_PROVIDER": "openai",
        "OPENAI_API_KEY": "sk-browser-tests",
        "OPENAI_BASE_URL": fake.base_url,
        "ENABLE_REALTIME_API": "true",
        "OPENAI_REALTIME_CALL_URL": peer.url,
        "INTERVIEW_TOKEN_BUDGET": "100000",  # the fake bills 1,500 tokens a call
    }
    try:
        with serve_gateway(env) as url:
            yield {"url": url, "fake": fake, "peer": peer}
    finally:
        peer.close()
        fake.close()


def test_the_reference_client_holds_a_whole_realtime_interview_in_chromium(browser, realtime_stack, make_user, stack_db):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    user = make_user("candidate", "Wren Webrtc")
    browser.get(f"{realtime_stack['url']}/examples/realtime-client.html?flush_ms=200")
    browser.find_element(By.ID, "token").send_keys(user["token"])
    browser.find_element(By.ID, "start").click()
    try:
        WebDriverWait(browser, 60).until(lambda driver: driver.find_element(By.TAG_NAME, "body").get_attribute("data-ended") == "true")
    except TimeoutException:
        peer = realtime_stack["peer"]
        outputs = [output.get("action") for interview in peer.interviews for output in interview.outputs]
        said = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#candidate li")]
        pytest.fail(
            f"the interview did not end: status {browser.find_element(By.ID, 'status').text!r},"
            f" console {[entry['message'] for entry in browser.get_log('browser')][-10:]},"
            f" calls {len(peer.interviews)}, refused secrets {peer.refused}, tool outputs {outputs}, candidate lines {len(said)}"
        )

    status = browser.find_element(By.ID, "status").text
    said = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#candidate li")]
    asked = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#interviewer li")]
    violations = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert status == "The interview is over.", status
    assert said == ANSWERS and violations == []

    peer = realtime_stack["peer"]
    (interview,) = peer.interviews
    assert [step["action"] for step in interview.outputs] == ["ask"] * 11 + ["end"]
    assert asked == interview.spoken and asked[-1].startswith("Thank you")
    assert [event["type"] for event in peer.client_events[:1]] == ["response.create"]
    answered = [event for event in peer.client_events if event["type"] == "conversation.item.create"]
    assert len(answered) == 12 and all(event["item"]["type"] == "function_call_output" for event in answered)

    with postgres.connect(stack_db) as conn:
        conn.row_factory = dict_row
        row = conn.execute(
            "select id, status, mode, end_reason, realtime_cost_usd::float8 as cost from public.interviews where candidate_id = %s", [user["id"]]
        ).fetchone()
        messages = conn.execute(
            "select message_type, content_text from public.interview_messages where interview_id = %s order by sequence_number", [row["id"]]
        ).fetchall()
        lease = conn.execute("select end_reason from private.realtime_sessions where interview_id = %s", [row["id"]]).fetchone()
    assert (row["status"], row["mode"], row["end_reason"]) == ("completed", "realtime", "plan_complete")
    assert [m["content_text"] for m in messages if m["message_type"] == "candidate_response"] == ANSWERS
    assert [m["content_text"] for m in messages if m["message_type"] == "ai_question"] == asked[:12]
    assert row["cost"] > 0 and lease == {"end_reason": "client_ended"}


def test_the_reference_client_says_so_when_realtime_falls_back_to_voice(browser, gateway_url, make_user):
    """The stack's own gateway runs the offline provider: start-interview falls back to voice."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    user = make_user("candidate", "Vic Voice")
    browser.get(f"{gateway_url}/examples/realtime-client.html")
    browser.find_element(By.ID, "token").send_keys(user["token"])
    browser.find_element(By.ID, "start").click()
    status = WebDriverWait(browser, 30).until(
        lambda driver: "not available" in driver.find_element(By.ID, "status").text and driver.find_element(By.ID, "status")
    )
    assert "turn-based speech" in status.text and status.get_attribute("class") == "error"
    assert browser.find_element(By.ID, "start").is_enabled()
