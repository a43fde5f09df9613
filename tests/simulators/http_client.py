"""A bare client for the simulator tests: no retries, so every answer of the server is seen as it is."""

import requests


def token(env: dict, session: requests.Session | None = None) -> str:
    answer = (session or requests).post(
        env["PARINDEX_DVC_URL"] + "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env["PARINDEX_DVC_CLIENT_ID"],
            "client_secret": env["PARINDEX_DVC_CLIENT_SECRET"],
        },
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def authorised_session(env: dict) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token(env)}"
    return session
