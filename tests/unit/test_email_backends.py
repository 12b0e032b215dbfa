import io

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses import ses_backends

from shared.email import EmailDeliveryFailed, EmailMessage, LogBackend, SesBackend
from shared.logs import logger

MESSAGE = EmailMessage(to="cand@example.com", subject="Your resume feedback", text="Hello, here is your feedback.")


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


def test_ses_backend_sends_through_ses(aws):
    boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress="no-reply@teamified.test")
    message_id = SesBackend("no-reply@teamified.test", "us-east-1").send(MESSAGE)
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert [m.id for m in sent] == [message_id]
    assert sent[0].destinations["ToAddresses"] == ["cand@example.com"]
    assert sent[0].subject == "Your resume feedback"


def test_unverified_sender_is_a_permanent_failure(aws):
    with pytest.raises(EmailDeliveryFailed) as raised:
        SesBackend("unverified@teamified.test", "us-east-1").send(MESSAGE)
    assert raised.value.permanent is True


def test_log_backend_never_logs_the_address_or_content(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(logger.logger_handler, "stream", stream)
    message_id = LogBackend().send(MESSAGE)
    assert message_id.startswith("log-")
    output = stream.getvalue()
    assert "cand@example.com" not in output and "feedback" not in output.replace("resume feedback", "")
    assert message_id in output
