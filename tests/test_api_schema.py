"""The OpenAPI schema describes every endpoint, and the docs page works
offline: everything it loads comes from the portal itself."""

import re

import yaml


def test_the_schema_lists_every_endpoint_with_the_error_shape(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/auth/token/",
        "/api/v1/auth/keys/",
        "/api/v1/auth/keys/{id}/",
        "/api/v1/procedures/",
        "/api/v1/procedures/{code}/",
        "/api/v1/offices/",
        "/api/v1/dossiers/",
        "/api/v1/dossiers/batch/",
        "/api/v1/dossiers/{code}/",
        "/api/v1/dossiers/{code}/attachments/",
        "/api/v1/dossiers/{code}/transitions/",
        "/api/v1/dossiers/{code}/exemption/",
        "/api/v1/dossiers/{code}/on-the-spot/",
        "/api/v1/dossiers/{code}/slips/",
        "/api/v1/dossiers/{code}/slips/{kind}/",
        "/api/v1/dossiers/{code}/results/",
        "/api/v1/dossiers/{code}/results/{id}/",
        "/api/v1/dossiers/{code}/results/{id}/amend/",
        "/api/v1/dossiers/{code}/payments/",
        "/api/v1/dossiers/{code}/payments/online/",
        "/api/v1/dossiers/{code}/payments/{reference}/receipt/",
        "/api/v1/track/",
        "/api/v1/line/cases/",
        "/api/v1/line/cases/{code}/",
        "/api/v1/line/cases/{code}/actions/",
        "/api/v1/line/cases/{code}/suggestions/",
        "/api/v1/line/track/",
        "/api/v1/reports/timeliness/",
        "/api/v1/reports/quality/",
        "/api/v1/offices/{office_code}/statements/{day}/",
        "/api/v1/reports/fees/",
        "/api/v1/reports/line/",
        "/api/v1/events/",
    }
    transitions = schema["paths"]["/api/v1/dossiers/{code}/transitions/"]["post"]["responses"]
    assert {"200", "403", "409", "default"} <= set(transitions)
    assert schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_the_docs_page_loads_nothing_from_elsewhere(client, db):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    # Swagger UI from the sidecar, and its start-up script from the page itself (no inline script).
    assert assets and all(asset.startswith(("/static/drf_spectacular_sidecar/", "/api/docs/?")) for asset in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
