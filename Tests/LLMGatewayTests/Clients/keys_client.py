"""Calls llm-gateway with one OFFICIAL Python SDK and a given key, and reports what the SDK raised, as an application
would see it. Usage: keys_client.py openai|anthropic|gemini|ollama BASE_URL; standard input: a JSON list of
{"name", "key", "model"}; standard output: {"<name>": {"ok": bool, "type": SDK exception class, "status": int,
"code": the error's code or type where the SDK keeps it}}."""
import json
import sys


def call(sdk, base_url, key, model):
    if sdk == "openai":
        import openai
        client = openai.OpenAI(base_url=base_url + "/v1", api_key=key, max_retries=0, timeout=30)
        try:
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}], max_tokens=8)
            return {"ok": True}
        except openai.APIStatusError as error:
            return {"ok": False, "type": type(error).__name__, "status": error.status_code, "code": error.code}
    if sdk == "anthropic":
        import anthropic
        client = anthropic.Anthropic(base_url=base_url, api_key=key, max_retries=0, timeout=30)
        try:
            client.messages.create(model=model, max_tokens=8, messages=[{"role": "user", "content": "x"}])
            return {"ok": True}
        except anthropic.APIStatusError as error:
            body = error.body if isinstance(error.body, dict) else {}
            return {"ok": False, "type": type(error).__name__, "status": error.status_code,
                    "code": (body.get("error") or {}).get("type")}
    if sdk == "gemini":
        from google import genai
        from google.genai import errors, types
        client = genai.Client(api_key=key, http_options=types.HttpOptions(base_url=base_url, timeout=30_000))
        try:
            client.models.generate_content(model=model, contents="x", config=types.GenerateContentConfig(max_output_tokens=8))
            return {"ok": True}
        except errors.APIError as error:
            return {"ok": False, "type": type(error).__name__, "status": error.code, "code": error.status}
    if sdk == "ollama":
        import ollama
        client = ollama.Client(host=base_url, headers={"Authorization": "Bearer " + key}, timeout=30)
        try:
            client.chat(model=model, messages=[{"role": "user", "content": "x"}], stream=False, options={"num_predict": 8})
            return {"ok": True}
        except ollama.ResponseError as error:
            return {"ok": False, "type": type(error).__name__, "status": error.status_code, "code": None}
    raise ValueError(sdk)


def main():
    sdk, base_url = sys.argv[1:3]
    print(json.dumps({case["name"]: call(sdk, base_url, case["key"], case["model"]) for case in json.load(sys.stdin)}))


if __name__ == "__main__":
    main()
