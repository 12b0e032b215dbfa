"""Bad input is a 4xx, never a 500: JSON the parser cannot take, NUL characters in text fields,
storage paths that decode to dot segments."""

import pytest
from pydantic import BaseModel, ValidationError

from shared import errors, storage
from shared.http import create_app, make_handler, ok
from shared.models.accounts import Credentials, NewRecruiter, RefreshRequest, Registration
from shared.models.feedback import FeedbackEdit
from shared.models.interviews import TurnRequest
from shared.models.resumes import UploadUrlRequest
from tests.support import invoke


class Item(BaseModel):
    name: str
    count: int


def _handler():
    app = create_app()

    @app.post("/items")
    def create(item: Item):
        return ok(item)

    return make_handler(app)


def test_json_the_parser_refuses_is_a_400_in_the_envelope():
    """F11: deeply nested JSON (RecursionError in json) and integers with thousands of digits
    (int() refuses more than 4300) are 400 BAD_REQUEST, not a 500; the limits are the parser's
    own, so a 4299-digit integer is still a number."""
    cases = [
        (b'{"name": "x", "count": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
        (b'{"name": "x", "count": ' + b"9" * 5000 + b"}", "too many digits"),
        (b'{"name": "x", "count": -' + b"1" * 4301 + b"}", "too many digits"),
    ]
    for body, message in cases:
        reply = invoke(_handler(), "POST", "/items", body=body, headers={"content-type": "application/json"})
        assert reply.status == 400, reply.body
        assert reply.error["code"] == "BAD_REQUEST" and message in reply.error["message"]
    reply = invoke(_handler(), "POST", "/items", json_body={"name": "x", "count": 10**4298})
    assert reply.status == 200 and reply.data["count"] == 10**4298


NUL = "a\x00b"


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [
        (TurnRequest, {"text": NUL}, "text"),
        (TurnRequest, {"text": "An answer", "client_turn_id": NUL}, "client_turn_id"),
        (TurnRequest, {"audio_path": f"x/{NUL}.wav"}, "audio_path"),
        (TurnRequest, {"audio_base64": "AAAA", "audio_format": NUL}, "audio_format"),
        (FeedbackEdit, {"feedback_content": NUL * 10}, "feedback_content"),
        (FeedbackEdit, {"identified_gaps": ["TypeScript", NUL]}, "identified_gaps"),
        (FeedbackEdit, {"recommended_resources": [{"title": NUL, "url": "https://example.com/", "reason": "Practice"}]}, "recommended_resources"),
        (UploadUrlRequest, {"file_name": f"cv{NUL}.pdf", "content_type": "application/pdf", "file_size": 10}, "file_name"),
        (UploadUrlRequest, {"file_name": "cv.pdf", "content_type": f"application/pdf{NUL}", "file_size": 10}, "content_type"),
        (Registration, {"email": "a@example.com", "password": "Str0ng!Pass", "full_name": f"Jo {NUL}"}, "full_name"),
        (Registration, {"email": "a@example.com", "password": f"Str0ng!Pass{NUL}", "full_name": "Jo Doe"}, "password"),
        (Credentials, {"email": "a@example.com", "password": NUL}, "password"),
        (RefreshRequest, {"refresh_token": NUL}, "refresh_token"),
        (NewRecruiter, {"email": "r@example.com", "full_name": f"Rita{NUL}"}, "full_name"),
    ],
)
def test_nul_characters_in_text_fields_are_refused_by_the_request_models(model, values, field):
    """F11: Postgres text and jsonb cannot hold NUL, so every request text field refuses it (422), before any SQL."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    assert [error["loc"][0] for error in caught.value.errors()] == [field]


def test_a_nul_in_an_answer_is_a_422_with_the_field_named():
    """F11: over HTTP a NUL in a request field is a 422 naming the field, not a 500 from the database."""
    app = create_app()

    @app.post("/turn")
    def turn(request: TurnRequest):
        return ok({"accepted": True})

    reply = invoke(make_handler(app), "POST", "/turn", json_body={"text": NUL})
    assert reply.status == 422 and reply.error["code"] == "VALIDATION_ERROR"
    assert [item["loc"] for item in reply.error["details"]] == [["text"]]


@pytest.mark.parametrize("path", ["owner/%2e%2e/other/x.wav", "owner/%2E%2E/x.wav", "owner/./x.wav", "owner/%ff.wav"])
def test_storage_paths_that_decode_to_dot_segments_are_invalid_paths(path):
    """F11: storage3 refuses such keys with a bare ValueError before any request; it becomes our 422."""
    from supabase import ClientOptions, create_client

    client = create_client("http://127.0.0.1:9", "not-a-real-key", options=ClientOptions(auto_refresh_token=False, persist_session=False))
    with pytest.raises(storage.InvalidPath) as caught:
        storage.download(client, "audio", path)
    assert isinstance(caught.value, errors.ValidationFailed) and caught.value.status_code == 422
