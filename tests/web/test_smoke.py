from tests.web.conftest import FULL, Web, add_client, process


def test_journey(signed_in: Web) -> None:
    cid = add_client(signed_in, *FULL)
    sid = process(signed_in, cid)
    r = signed_in.http.get(f"/sessions/{sid}")
    assert r.status_code == 200, r.text
    print(signed_in.api("GET", f"/api/sessions/{sid}/review").json())
