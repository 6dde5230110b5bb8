"""Asks for embeddings with an OFFICIAL Python SDK and prints the vectors it got as one JSON object.
Usage: embeddings_client.py openai|openai-float|ollama|ollama-legacy|gemini BASE_URL MODEL TEXT..."""
import json
import sys


def main():
    sdk, base_url, model, texts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    if sdk in ("openai", "openai-float"):
        import openai

        client = openai.OpenAI(base_url=base_url + "/v1" if not base_url.endswith("/v1") else base_url,
                               api_key="not-needed", max_retries=0, timeout=120)
        # The SDK asks for base64 unless told otherwise, and decodes it itself.
        extra = {"encoding_format": "float"} if sdk == "openai-float" else {}
        reply = client.embeddings.create(model=model, input=texts, **extra)
        result = {"vectors": [item.embedding for item in reply.data], "model": reply.model,
                  "prompt_tokens": reply.usage.prompt_tokens}
    elif sdk == "ollama":
        import ollama

        reply = ollama.Client(host=base_url, timeout=120).embed(model=model, input=texts)
        result = {"vectors": [list(vector) for vector in reply.embeddings], "model": reply.model,
                  "prompt_tokens": reply.prompt_eval_count}
    elif sdk == "ollama-legacy":
        import ollama

        client = ollama.Client(host=base_url, timeout=120)
        result = {"vectors": [list(client.embeddings(model=model, prompt=text).embedding) for text in texts]}
    elif sdk == "gemini":
        from google import genai
        from google.genai import types

        client = genai.Client(api_key="not-needed", http_options=types.HttpOptions(base_url=base_url, api_version="v1beta"))
        reply = client.models.embed_content(model=model, contents=texts,
                                            config=types.EmbedContentConfig(task_type="RETRIEVAL_DOCUMENT"))
        result = {"vectors": [embedding.values for embedding in reply.embeddings]}
    else:
        raise SystemExit("unknown SDK " + sdk)
    print(json.dumps(result))


main()
