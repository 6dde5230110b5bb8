"""Drives llm-gateway with an OFFICIAL Python SDK, as an application would, and prints what it got as one JSON
object per check. Usage: sdk_client.py openai|anthropic|ollama|gemini BASE_URL MODEL CHECK..."""
import json
import sys

WEATHER = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def openai_checks(base_url, model, checks):
    import openai

    client = openai.OpenAI(base_url=base_url + "/v1", api_key="not-needed", max_retries=0, timeout=120)
    for check in checks:
        try:
            if check == "text":
                reply = client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": "Say hello."}], max_tokens=16)
                yield check, {"text": reply.choices[0].message.content, "model": reply.model,
                              "finish_reason": reply.choices[0].finish_reason,
                              "prompt_tokens": reply.usage.prompt_tokens, "completion_tokens": reply.usage.completion_tokens}
            elif check == "stream":
                text, finish, usage, model_seen = "", None, None, None
                for chunk in client.chat.completions.create(
                        model=model, messages=[{"role": "user", "content": "Count to five."}], max_tokens=16,
                        stream=True, stream_options={"include_usage": True}):
                    model_seen = chunk.model
                    if chunk.usage:
                        usage = chunk.usage.completion_tokens
                    for choice in chunk.choices:
                        text += choice.delta.content or ""
                        finish = choice.finish_reason or finish
                yield check, {"text": text, "finish_reason": finish, "completion_tokens": usage, "model": model_seen}
            elif check == "tool":
                tools = [{"type": "function", "function": {
                    "name": "get_weather", "description": "The weather in a city.", "parameters": WEATHER}}]
                reply = client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": "What is the weather in Paris?"}], tools=tools,
                    tool_choice="required", max_tokens=64)
                calls = reply.choices[0].message.tool_calls or []
                yield check, {"calls": [{"name": c.function.name, "arguments": json.loads(c.function.arguments)} for c in calls],
                              "finish_reason": reply.choices[0].finish_reason}
            elif check == "responses":
                reply = client.responses.create(model=model, input="Say hello.", max_output_tokens=16)
                yield check, {"text": reply.output_text, "model": reply.model, "status": reply.status,
                              "output_tokens": reply.usage.output_tokens}
            elif check == "responses-stream":
                # A reply cut by the token limit ends with response.incomplete, which the SDK's get_final_response()
                # does not take (it wants response.completed, from OpenAI too): read the final response off either.
                text, final = "", None
                with client.responses.stream(model=model, input="Count to five.", max_output_tokens=16) as stream:
                    for event in stream:
                        if event.type == "response.output_text.delta":
                            text += event.delta
                        elif event.type in ("response.completed", "response.incomplete"):
                            final = event.response
                yield check, {"text": text, "final_text": final.output_text, "status": final.status,
                              "output_tokens": final.usage.output_tokens}
            elif check == "responses-tool":
                reply = client.responses.create(
                    model=model, input="What is the weather in Paris?", tool_choice="required", max_output_tokens=64,
                    tools=[{"type": "function", "name": "get_weather", "description": "The weather in a city.", "parameters": WEATHER}])
                calls = [item for item in reply.output if item.type == "function_call"]
                yield check, {"calls": [{"name": c.name, "arguments": json.loads(c.arguments)} for c in calls]}
            elif check == "models":
                yield check, {"ids": [m.id for m in client.models.list().data]}
            elif check == "unknown-model":
                client.chat.completions.create(model="no-such-alias", messages=[{"role": "user", "content": "x"}])
                yield check, {"error": None}
            elif check == "bad-request":
                client.chat.completions.create(model=model, messages=[{"role": "robot", "content": "x"}])
                yield check, {"error": None}
        except openai.APIStatusError as error:
            yield check, {"error": type(error).__name__, "status": error.status_code, "message": error.message}


def anthropic_checks(base_url, model, checks):
    import anthropic

    client = anthropic.Anthropic(base_url=base_url, api_key="not-needed", max_retries=0, timeout=120)
    for check in checks:
        try:
            if check == "text":
                reply = client.messages.create(model=model, max_tokens=16, messages=[{"role": "user", "content": "Say hello."}])
                yield check, {"text": "".join(b.text for b in reply.content if b.type == "text"), "model": reply.model,
                              "stop_reason": reply.stop_reason, "output_tokens": reply.usage.output_tokens}
            elif check == "stream":
                with client.messages.stream(model=model, max_tokens=16, messages=[{"role": "user", "content": "Count to five."}]) as stream:
                    text = "".join(stream.text_stream)
                    final = stream.get_final_message()
                yield check, {"text": text, "stop_reason": final.stop_reason, "output_tokens": final.usage.output_tokens,
                              "model": final.model}
            elif check == "tool":
                reply = client.messages.create(
                    model=model, max_tokens=64, messages=[{"role": "user", "content": "What is the weather in Paris?"}],
                    tools=[{"name": "get_weather", "description": "The weather in a city.", "input_schema": WEATHER}],
                    tool_choice={"type": "any"})
                yield check, {"calls": [{"name": b.name, "arguments": b.input} for b in reply.content if b.type == "tool_use"],
                              "stop_reason": reply.stop_reason}
            elif check == "count-tokens":
                count = client.messages.count_tokens(model=model, messages=[{"role": "user", "content": "What is the weather in Paris today?"}])
                yield check, {"input_tokens": count.input_tokens}
            elif check == "unknown-model":
                client.messages.create(model="no-such-alias", max_tokens=8, messages=[{"role": "user", "content": "x"}])
                yield check, {"error": None}
        except anthropic.APIStatusError as error:
            yield check, {"error": type(error).__name__, "status": error.status_code, "message": error.message}


def ollama_checks(base_url, model, checks):
    import ollama

    client = ollama.Client(host=base_url, timeout=120)
    for check in checks:
        try:
            if check == "text":
                reply = client.chat(model=model, messages=[{"role": "user", "content": "Say hello."}], stream=False,
                                    options={"num_predict": 16})
                yield check, {"text": reply.message.content, "model": reply.model, "done_reason": reply.done_reason,
                              "eval_count": reply.eval_count}
            elif check == "stream":
                text, last = "", None
                for part in client.chat(model=model, messages=[{"role": "user", "content": "Count to five."}], stream=True,
                                        options={"num_predict": 16}):
                    text += part.message.content or ""
                    last = part
                yield check, {"text": text, "done": last.done, "done_reason": last.done_reason, "eval_count": last.eval_count}
            elif check == "generate":
                reply = client.generate(model=model, prompt="Say hello.", stream=False, options={"num_predict": 16})
                yield check, {"text": reply.response, "done": reply.done, "eval_count": reply.eval_count}
            elif check == "generate-stream":
                parts = list(client.generate(model=model, prompt="Count to five.", stream=True, options={"num_predict": 16}))
                yield check, {"text": "".join(p.response for p in parts), "done": parts[-1].done}
            elif check == "models":
                yield check, {"names": [m.model for m in client.list().models]}
            elif check == "show":
                yield check, {"capabilities": list(client.show(model).capabilities or [])}
            elif check == "unknown-model":
                client.chat(model="no-such-alias", messages=[{"role": "user", "content": "x"}], stream=False)
                yield check, {"error": None}
        except ollama.ResponseError as error:
            yield check, {"error": type(error).__name__, "status": error.status_code, "message": error.error}


def gemini_checks(base_url, model, checks):
    from google import genai
    from google.genai import errors, types

    # The calls work on the SDK's default /v1 too; the model list is Gemini's on /v1beta only (/v1/models is OpenAI's).
    client = genai.Client(api_key="not-needed", http_options=types.HttpOptions(base_url=base_url, timeout=120_000))
    listing = genai.Client(api_key="not-needed", http_options=types.HttpOptions(base_url=base_url, api_version="v1beta"))
    config = types.GenerateContentConfig(max_output_tokens=16)
    for check in checks:
        try:
            if check == "text":
                reply = client.models.generate_content(model=model, contents="Say hello.", config=config)
                yield check, {"text": reply.text, "model": reply.model_version,
                              "finish_reason": reply.candidates[0].finish_reason.name,
                              "output_tokens": reply.usage_metadata.candidates_token_count}
            elif check == "stream":
                text, last = "", None
                for chunk in client.models.generate_content_stream(model=model, contents="Count to five.", config=config):
                    text += chunk.text or ""
                    last = chunk
                yield check, {"text": text, "finish_reason": last.candidates[0].finish_reason.name,
                              "output_tokens": last.usage_metadata.candidates_token_count}
            elif check == "tool":
                tool = types.Tool(function_declarations=[types.FunctionDeclaration(
                    name="get_weather", description="The weather in a city.", parameters_json_schema=WEATHER)])
                forced = types.GenerateContentConfig(
                    max_output_tokens=64, tools=[tool],
                    automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
                    tool_config=types.ToolConfig(function_calling_config=types.FunctionCallingConfig(mode="ANY")))
                reply = client.models.generate_content(model=model, contents="What is the weather in Paris?", config=forced)
                yield check, {"calls": [{"name": c.name, "arguments": dict(c.args or {})} for c in (reply.function_calls or [])]}
            elif check == "count-tokens":
                yield check, {"total_tokens": client.models.count_tokens(model=model, contents="What is the weather in Paris today?").total_tokens}
            elif check == "models":
                yield check, {"names": [m.name for m in listing.models.list()]}
            elif check == "unknown-model":
                client.models.generate_content(model="no-such-alias", contents="x", config=config)
                yield check, {"error": None}
        except errors.APIError as error:
            yield check, {"error": type(error).__name__, "status": error.code, "message": error.message}


def main():
    sdk, base_url, model, *checks = sys.argv[1:]
    run = {"openai": openai_checks, "anthropic": anthropic_checks, "ollama": ollama_checks, "gemini": gemini_checks}[sdk]
    results = {check: result for check, result in run(base_url, model, checks)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
