"""The web pages over HTTP (Starlette's test client): every page, errors at their fields, uploads, the cohort gate."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

pytest.importorskip("jinja2")
pytest.importorskip("multipart")
pytest.importorskip("itsdangerous")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from netkg.registry.batch import reason_into_store
from netkg.registry.store import EmbeddedStore
from netkg.web.app import WebSettings, make_app
from netkg.web.form import values_from_case

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nec-sigmoid-liver.yaml"
TOKEN = "a-test-token-of-32-characters-xx"
PAGES = ["/", "/knowledge", "/knowledge/rules", "/knowledge/rules/NECPlatinumEtoposide", "/knowledge/therapies",
         "/knowledge/therapies/PlatinumEtoposide", "/knowledge/therapies/SomatostatinAnalog", "/knowledge/statements",
         "/knowledge/statements/K007", "/knowledge/statements/K014", "/cohort"]


@pytest.fixture(scope="module")
def client(knowledge) -> TestClient:
    return TestClient(make_app(WebSettings(), knowledge=knowledge))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, knowledge) -> Path:
    path = tmp_path_factory.mktemp("web-store")
    store = EmbeddedStore(path)
    summary = reason_into_store(EXAMPLE, store, engine="fast", workers=1)
    assert not summary.invalid
    store.close()
    return path


def _form_data(case: dict) -> dict:
    """The form fields a person fills in for ``case`` (what the browser sends)."""
    values, rows = values_from_case(case)
    data: dict = {"rows": str(rows)}
    for key, value in values.items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value != "" and value != []:
            data[key] = value
    return data


def _seed_case() -> dict:
    return yaml.safe_load(EXAMPLE.read_text())


def _external_urls(html: str) -> list[str]:
    urls = re.findall(r'(?:src|href|action)\s*=\s*"([^"]*)"', html)
    return [u for u in urls if urlsplit(u).scheme or urlsplit(u).netloc]


def test_every_page_renders_with_version_and_disclaimer_and_no_external_url(client: TestClient) -> None:
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="en">' in answer.text
        assert "does not replace clinical" in answer.text
        assert client.app.state.knowledge.version in answer.text
        assert _external_urls(answer.text) == [], path
        assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_unknown_names_are_404_pages(client: TestClient) -> None:
    for path in ("/knowledge/rules/NoSuchRule", "/knowledge/therapies/NoSuchTherapy", "/knowledge/statements/K999",
                 "/knowledge/statements/'%20OR%201", "/no/such/page"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Not found" in answer.text


def test_the_form_has_every_field_of_the_case_table_with_a_label(client: TestClient) -> None:
    from netkg.cases.fields import CASE_FIELDS, ENTRY_LISTS

    html = client.get("/").text
    for f in CASE_FIELDS:
        if f.kind in ("mapping", "entries"):
            continue
        name = f"treatment_history.0.{f.name}" if f.parent in ENTRY_LISTS else f.path
        assert f'name="{name}"' in html, name
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and set(ids) <= labelled
    assert 'min="0"' in html and 'max="100"' in html


def test_the_seed_case_entered_in_the_form_gives_its_report(client: TestClient) -> None:
    answer = client.post("/report", data=_form_data(_seed_case()))
    assert answer.status_code == 200
    html = answer.text
    indicated = html.split('id="cat-recommended"')[1].split('id="cat-consider"')[0]
    contraindicated = html.split('id="cat-contraindicated"')[1].split("</section>")[0]
    assert "platinum plus etoposide" in indicated and 'href="/knowledge/statements/K007"' in indicated
    assert "somatostatin analog" in contraindicated and 'href="/knowledge/statements/K014"' in contraindicated
    assert "neuroendocrine carcinoma" in html.split('id="key-facts"')[1].split("</section>")[0]
    for heading in ("Why not", "Not covered by the sources", "Conflicts", "Superseded", "Required work-up"):
        assert heading in html


def test_each_note_of_the_report_says_what_holds_in_this_case(client: TestClient) -> None:
    html = client.post("/report", data=_form_data({**_seed_case(), "id": "nec-ecog-3", "ecog": 3})).text
    assert 'In this case: high-grade neuroendocrine neoplasm, poor performance status' in html


def test_a_bad_ki67_is_shown_at_its_field_with_the_form_refilled(client: TestClient) -> None:
    case = _seed_case()
    case["tumour"]["ki67"] = 150
    answer = client.post("/report", data=_form_data(case))
    assert answer.status_code == 422
    html = answer.text
    assert 'href="#f-tumour-ki67"' in html  # the error summary links to the field
    error = re.search(r'<p class="error" id="f-tumour-ki67-error">(.*?)</p>', html, re.S)
    assert error and "100" in error.group(1)
    assert re.search(r'id="f-tumour-ki67" value="150"', html)
    assert 'aria-invalid="true"' in html
    assert 'value="seed1-nec-sigmoid-liver"' in html


def test_a_bad_treatment_row_is_shown_at_that_row(client: TestClient) -> None:
    data = _form_data(_seed_case())
    data.pop("treatment_history.__none__", None)
    data.update({"treatment_history.2.therapy": "lanreotide", "treatment_history.2.intent": "antitumour",
                 "treatment_history.2.outcome": "ongoing", "treatment_history.2.end": "2024-13"})
    html = client.post("/report", data=data).text
    assert re.search(r'id="f-treatment_history-2-end-error"', html)


def test_none_ticked_with_a_site_is_an_error_at_that_group(client: TestClient) -> None:
    data = _form_data(_seed_case())
    data["metastatic_sites"] = ["__none__", "liver"]
    html = client.post("/report", data=data).text
    assert 'id="f-metastatic_sites-error"' in html


def test_more_treatment_rows_are_added_by_resubmitting(client: TestClient) -> None:
    data = {**_form_data({}), "action": "more", "tumour.ki67": "12"}
    html = client.post("/report", data=data).text
    assert 'name="treatment_history.9.therapy"' in html and 'value="12"' in html


def test_upload_of_yaml_and_json_case_files(client: TestClient) -> None:
    text = EXAMPLE.read_text()
    for name, body in (("case.yaml", text), ("case.json", json.dumps(_seed_case()))):
        answer = client.post("/upload", files={"case_file": (name, body.encode(), "application/octet-stream")})
        assert answer.status_code == 200, name
        assert "Report for case" in answer.text and "K007" in answer.text


def test_upload_problems_are_shown_at_the_upload_or_the_fields(client: TestClient) -> None:
    bad = client.post("/upload", files={"case_file": ("case.yaml", b"id: [unclosed", "text/yaml")})
    assert bad.status_code == 422 and 'id="f-upload-error"' in bad.text and "malformed YAML" in bad.text
    invalid = EXAMPLE.read_text().replace("ki67: 70", "ki67: 150")
    answer = client.post("/upload", files={"case_file": ("case.yaml", invalid.encode(), "text/yaml")})
    assert answer.status_code == 422 and 'id="f-tumour-ki67-error"' in answer.text
    bundle = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}).encode()
    fhir = client.post("/upload", files={"case_file": ("bundle.json", bundle, "application/fhir+json")})
    assert fhir.status_code == 422 and 'id="f-upload-error"' in fhir.text and "bundle.json" in fhir.text


def test_upload_of_a_fhir_bundle_gives_its_report(client: TestClient) -> None:
    bundle = (ROOT / "examples" / "fhir" / "nec-sigmoid-liver.json").read_bytes()
    answer = client.post("/upload", files={"case_file": ("nec-sigmoid-liver.json", bundle, "application/fhir+json")})
    assert answer.status_code == 200
    assert "Report for case" in answer.text and "/knowledge/statements/K007" in answer.text


def test_the_report_downloads_as_json_and_turtle(client: TestClient) -> None:
    case = json.dumps(_seed_case())
    as_json = client.post("/report.json", data={"case": case})
    assert as_json.status_code == 200 and "attachment" in as_json.headers["content-disposition"]
    assert "netkg:PlatinumEtoposide" in json.dumps(as_json.json()) or "PlatinumEtoposide" in as_json.text
    as_turtle = client.post("/report.ttl", data={"case": case})
    assert as_turtle.status_code == 200 and "nkr:contraindicated" in as_turtle.text
    assert client.post("/report.exe", data={"case": case}).status_code == 404


def test_without_a_store_the_cohort_page_says_how_to_enable_it(client: TestClient) -> None:
    assert "netkg web --store" in client.get("/cohort").text


def test_the_cohort_page_needs_the_token(store_dir: Path, knowledge) -> None:
    app = make_app(WebSettings(store=store_dir, token=TOKEN), knowledge=knowledge)
    with TestClient(app) as web:
        first = web.get("/cohort", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        assert web.post("/cohort", data={"query": "indicated-for-case"}, follow_redirects=False).status_code == 303
        refused = web.post("/login", data={"token": "wrong-token-wrong-token"})
        assert refused.status_code == 401 and "refused" in refused.text
        assert web.get("/cohort", follow_redirects=False).status_code == 303
        signed_in = web.post("/login", data={"token": TOKEN}, follow_redirects=False)
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        page = web.get("/cohort")
        assert page.status_code == 200 and "Therapies indicated for a case" in page.text
        rows = web.post("/cohort", data={"query": "indicated-for-case", "param.case": "seed1-nec-sigmoid-liver"})
        assert rows.status_code == 200 and "platinum" in rows.text.lower()
        bad = web.post("/cohort", data={"query": "eligible-for-therapy", "param.therapy": "not an iri"})
        assert bad.status_code == 422 and 'class="error"' in bad.text


def test_the_command_refuses_a_public_host_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from netkg.cli import main

    monkeypatch.delenv("NETKG_SERVER_TOKEN", raising=False)
    assert main(["web", "--host", "0.0.0.0", "--port", "8099"]) == 2
