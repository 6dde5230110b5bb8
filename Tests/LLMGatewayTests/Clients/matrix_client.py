"""Drives llm-gateway in one client wire format with that format's OFFICIAL Python SDK, as an application would, and
prints one JSON object: for each alias, a normalized result (the same keys for every format, so formats compare
directly) and the transcript of the last HTTP exchange (the request body the SDK sent, the status, and the response
bytes as the SDK read them).

Usage: matrix_client.py openai-chat|openai-responses|anthropic|gemini|ollama BASE_URL
Standard input: a JSON list of {"alias": "<model name>", "scenario": "<scenario>"}.
"""
import base64
import contextlib
import json
import sys
from dataclasses import dataclass
from typing import Optional

API_KEY = "not-needed"
TIMEOUT = 60

WEATHER_NAME = "get_weather"
WEATHER_DESCRIPTION = "Current weather"
WEATHER_PARAMETERS = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
PERSON_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                 "required": ["name", "age"]}
PARIS = {"city": "Paris"}
TOOL_RESULT = "21 degrees and sunny"
# A 1x1 PNG; its base64 has a "+", which URL-safe base64 would write as "-".
PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


# MARK: What each scenario asks, whatever the format

@dataclass
class Ask:
    user: str
    system: Optional[str] = None
    max_tokens: Optional[int] = None
    tools: bool = False
    history: bool = False  # the user turn, then the call_1 tool call and its result
    schema: bool = False
    reasoning: bool = False
    stream: bool = False
    image: bool = False  # the user turn also holds PNG_BASE64


def ask_for(scenario):
    plain = Ask(user="Say hello.", system="Be terse.", max_tokens=64)
    asks = {
        "plain-text": plain,
        "streamed-text": Ask(user="Say hello.", max_tokens=64, stream=True),
        "tool-call": Ask(user="Weather in Paris?", tools=True),
        "parallel-tool-calls": Ask(user="Weather in Paris and Oslo?", tools=True, stream=True),
        "tool-result-reply": Ask(user="Weather in Paris?", tools=True, history=True),
        "json-schema": Ask(user="Invent a person.", schema=True),
        "reasoning": Ask(user="What is 6 x 7?", reasoning=True, stream=True),
        "usage": Ask(user="ok?"),
        "image": Ask(user="What is in this picture?", image=True),
        "stop-length": Ask(user="Story", max_tokens=3),
        "mid-stream-error": Ask(user="Say hello.", max_tokens=64, stream=True),
    }
    if scenario.startswith("error-"):
        return plain
    if scenario not in asks:
        raise ValueError(f"unknown scenario {scenario!r}")
    return asks[scenario]


# MARK: The normalized result

def blank_result():
    return {"text": "", "reasoning": "", "signature": None, "calls": [], "stop": None,
            "usage": usage(), "model": "", "error": None}


def usage(input=None, output=None, cached=None, reasoning=None):
    """Token counts; a count the format did not give is 0."""
    return {"input": input or 0, "output": output or 0, "cached": cached or 0, "reasoning": reasoning or 0}


def field(value, *names):
    """value.a.b... or None where a link is missing (openai and anthropic build replies without validating them, so
    a field the server left out is simply absent)."""
    for name in names:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def extra(model, name):
    """A field the SDK's model does not declare (e.g. OpenAI's `reasoning_content`), kept among its extras."""
    return (getattr(model, "model_extra", None) or {}).get(name)


def call(id, name, arguments):
    """A tool call; arguments that are not valid JSON are kept as the raw string, so the mismatch shows."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            pass
    return {"id": id or "", "name": name or "", "arguments": arguments}


def stop(raw, table):
    """The normalized stop for a raw stop value, or the raw value when the table has none."""
    if raw is None:
        return None
    raw = getattr(raw, "value", raw)  # google-genai gives an enum
    return table.get(raw, raw)


def error_of(type, status=None, message="", retry_after=None):
    return {"type": type, "status": status, "message": message or "", "retry_after": retry_after}


# MARK: Capturing the last HTTP exchange

class Exchange:
    """The last HTTP exchange: the request body, the status, and the response bytes in the order the SDK read them."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.request, self.status, self.body = None, None, bytearray()

    def transcript(self):
        request = None
        if self.request:
            try:
                request = json.loads(self.request)
            except ValueError:
                request = self.request.decode("utf-8", "replace")
        return {"request": request, "status": self.status, "response": self.body.decode("utf-8", "replace")}


def recording_transport(httpx_module, exchange):
    """An HTTP transport of `httpx_module` (the SDKs use `httpx` or its fork `httpx2`) that records each exchange into
    `exchange`; the response stream is teed so that streamed bodies are recorded chunk by chunk as the SDK reads
    them, and a body the SDK stops reading early is recorded up to there."""

    class TeeStream(httpx_module.SyncByteStream):
        def __init__(self, inner):
            self.inner = inner

        def __iter__(self):
            for chunk in self.inner:
                exchange.body += chunk
                yield chunk

        def close(self):
            self.inner.close()

    class RecordingTransport(httpx_module.HTTPTransport):
        def handle_request(self, request):
            exchange.reset()
            exchange.request = request.read()
            response = super().handle_request(request)
            exchange.status = response.status_code
            response.stream = TeeStream(response.stream)
            return response

    return RecordingTransport()


# MARK: OpenAI Chat Completions

def openai_client(base_url, exchange):
    import httpx2  # openai>=3 is built on the httpx2 fork
    import openai

    return openai.OpenAI(
        base_url=base_url + "/v1", api_key=API_KEY, max_retries=0, timeout=TIMEOUT,
        http_client=httpx2.Client(transport=recording_transport(httpx2, exchange), timeout=TIMEOUT))


def openai_error(error):
    import openai

    if not isinstance(error, openai.APIError) or isinstance(error, openai.APIConnectionError):
        return None  # not an answer from the server: a crash
    # An APIStatusError has the HTTP response; an error inside a stream (an APIError) has none.
    response = getattr(error, "response", None)
    return error_of(type(error).__name__, getattr(error, "status_code", None), error.message,
                    response.headers.get("retry-after") if response is not None else None)


OPENAI_CHAT_STOPS = {"stop": "end", "length": "length", "tool_calls": "tool"}


def openai_chat_usage(counts):
    if counts is None:
        return usage()
    return usage(counts.prompt_tokens, counts.completion_tokens,
                 field(counts, "prompt_tokens_details", "cached_tokens"),
                 field(counts, "completion_tokens_details", "reasoning_tokens"))


def run_openai_chat(client, model, ask, result):
    messages = [{"role": "system", "content": ask.system}] if ask.system else []
    messages.append({"role": "user", "content": ask.user})
    if ask.image:
        messages[-1]["content"] = [{"type": "text", "text": ask.user},
                                   {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_BASE64}}]
    if ask.history:
        messages += [
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": WEATHER_NAME, "arguments": json.dumps(PARIS)}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": TOOL_RESULT},
        ]
    params = {"model": model, "messages": messages}
    if ask.max_tokens:
        params["max_completion_tokens"] = ask.max_tokens
    if ask.tools:
        params["tools"] = [{"type": "function", "function": {
            "name": WEATHER_NAME, "description": WEATHER_DESCRIPTION, "parameters": WEATHER_PARAMETERS}}]
    if ask.schema:
        params["response_format"] = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON_SCHEMA}}
    if ask.reasoning:
        params["reasoning_effort"] = "low"

    if not ask.stream:
        reply = client.chat.completions.create(**params)
        choice, message = reply.choices[0], reply.choices[0].message
        result["text"] = message.content or ""
        result["reasoning"] = extra(message, "reasoning_content") or ""
        result["calls"] = [call(c.id, c.function.name, c.function.arguments) for c in message.tool_calls or []]
        result["stop"] = stop(choice.finish_reason, OPENAI_CHAT_STOPS)
        result["usage"] = openai_chat_usage(reply.usage)
        result["model"] = reply.model
        return

    # A streamed call comes in pieces under one `index`: the id and name first, then the arguments bit by bit.
    calls = {}
    try:
        for chunk in client.chat.completions.create(**params, stream=True, stream_options={"include_usage": True}):
            result["model"] = chunk.model or result["model"]
            if chunk.usage:
                result["usage"] = openai_chat_usage(chunk.usage)
            for choice in chunk.choices:
                result["text"] += choice.delta.content or ""
                result["reasoning"] += extra(choice.delta, "reasoning_content") or ""
                for piece in choice.delta.tool_calls or []:
                    merged = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
                    merged["id"] = piece.id or merged["id"]
                    merged["name"] = field(piece, "function", "name") or merged["name"]
                    merged["arguments"] += field(piece, "function", "arguments") or ""
                if choice.finish_reason:
                    result["stop"] = stop(choice.finish_reason, OPENAI_CHAT_STOPS)
    finally:
        result["calls"] = [call(**calls[index]) for index in sorted(calls)]


# MARK: OpenAI Responses

def run_openai_responses(client, model, ask, result):
    params = {"model": model, "input": ask.user}
    if ask.system:
        params["instructions"] = ask.system
    if ask.image:
        params["input"] = [{"role": "user", "content": [
            {"type": "input_text", "text": ask.user},
            {"type": "input_image", "image_url": "data:image/png;base64," + PNG_BASE64, "detail": "auto"}]}]
    if ask.history:
        params["input"] = [
            {"role": "user", "content": ask.user},
            {"type": "function_call", "call_id": "call_1", "name": WEATHER_NAME, "arguments": json.dumps(PARIS)},
            {"type": "function_call_output", "call_id": "call_1", "output": TOOL_RESULT},
        ]
    if ask.max_tokens:
        params["max_output_tokens"] = ask.max_tokens
    if ask.tools:
        params["tools"] = [{"type": "function", "name": WEATHER_NAME, "description": WEATHER_DESCRIPTION,
                            "parameters": WEATHER_PARAMETERS, "strict": False}]
    if ask.schema:
        params["text"] = {"format": {"type": "json_schema", "name": "person", "schema": PERSON_SCHEMA}}
    if ask.reasoning:
        params["reasoning"] = {"effort": "low", "summary": "auto"}

    if not ask.stream:
        openai_response_into(result, client.responses.create(**params))
        return

    # The SDK's stream helper checks the event sequence and assembles the final response. It raises nothing for an
    # `error` event or `response.failed`: the application has to look for them.
    final = None
    with client.responses.stream(**params) as stream:
        for event in stream:
            if event.type == "response.created":
                result["model"] = event.response.model or result["model"]
            elif event.type == "response.output_text.delta":
                result["text"] += event.delta
            elif event.type == "response.reasoning_summary_text.delta":
                result["reasoning"] += event.delta
            elif event.type == "error" and result["error"] is None:
                result["error"] = error_of(type(event).__name__, None, event.message)
            elif event.type == "response.failed" and result["error"] is None:
                result["error"] = error_of(type(event).__name__, None, field(event.response, "error", "message"))
            elif event.type in ("response.completed", "response.incomplete"):
                final = event.response
        if final is None and result["error"] is None:
            stream.get_final_response()  # raises the SDK's own complaint about the missing response.completed
    if final is not None:
        openai_response_into(result, final)


def openai_response_into(result, response):
    calls, summaries, signature = [], [], None
    for item in response.output or []:
        if item.type == "function_call":
            calls.append(call(item.call_id, item.name, item.arguments))
        elif item.type == "reasoning":
            summaries += [part.text for part in item.summary or []]
            signature = signature or getattr(item, "encrypted_content", None)
    result.update(text=response.output_text, reasoning="".join(summaries), signature=signature, calls=calls,
                  model=response.model)
    if response.status == "completed":
        result["stop"] = "tool" if calls else "end"
    elif response.status == "incomplete" and field(response, "incomplete_details", "reason") == "max_output_tokens":
        result["stop"] = "length"
    else:
        result["stop"] = response.status
    counts = response.usage
    if counts is not None:
        result["usage"] = usage(counts.input_tokens, counts.output_tokens,
                                field(counts, "input_tokens_details", "cached_tokens"),
                                field(counts, "output_tokens_details", "reasoning_tokens"))


# MARK: Anthropic Messages

def anthropic_client(base_url, exchange):
    import anthropic
    import httpx2  # anthropic>=2 is built on the httpx2 fork

    return anthropic.Anthropic(
        base_url=base_url, api_key=API_KEY, max_retries=0, timeout=TIMEOUT,
        http_client=httpx2.Client(transport=recording_transport(httpx2, exchange), timeout=TIMEOUT))


def anthropic_error(error):
    import anthropic

    if not isinstance(error, anthropic.APIError) or isinstance(error, anthropic.APIConnectionError):
        return None  # not an answer from the server: a crash
    # An `error` event inside a stream raises an APIStatusError too, with the stream's response (status 200).
    response = getattr(error, "response", None)
    return error_of(type(error).__name__, getattr(error, "status_code", None), error.message,
                    response.headers.get("retry-after") if response is not None else None)


ANTHROPIC_STOPS = {"end_turn": "end", "max_tokens": "length", "tool_use": "tool"}


def run_anthropic(client, model, ask, result):
    messages = [{"role": "user", "content": ask.user}]
    if ask.image:
        messages[0]["content"] = [
            {"type": "text", "text": ask.user},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}}]
    if ask.history:
        messages += [
            {"role": "assistant",
             "content": [{"type": "tool_use", "id": "call_1", "name": WEATHER_NAME, "input": PARIS}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": TOOL_RESULT}]},
        ]
    # Anthropic requires max_tokens, and thinking needs room beyond its budget.
    params = {"model": model, "messages": messages, "max_tokens": ask.max_tokens or (4096 if ask.reasoning else 1024)}
    if ask.system:
        params["system"] = ask.system
    if ask.tools:
        params["tools"] = [
            {"name": WEATHER_NAME, "description": WEATHER_DESCRIPTION, "input_schema": WEATHER_PARAMETERS}]
    if ask.schema:
        params["output_config"] = {"format": {"type": "json_schema", "schema": PERSON_SCHEMA}}
    if ask.reasoning:
        params["thinking"] = {"type": "enabled", "budget_tokens": 2048}

    if not ask.stream:
        anthropic_message_into(result, client.messages.create(**params))
        return

    with client.messages.stream(**params) as stream:
        for event in stream:  # text and thinking as they come, so what came before an error is kept
            if event.type == "message_start":
                result["model"] = event.message.model
            elif event.type == "text":
                result["text"] += event.text
            elif event.type == "thinking":
                result["reasoning"] += event.thinking
        anthropic_message_into(result, stream.get_final_message())


def anthropic_message_into(result, message):
    blocks = message.content or []
    thinking = [block for block in blocks if block.type == "thinking"]
    calls = [call(block.id, block.name, block.input) for block in blocks if block.type == "tool_use"]
    result.update(
        text="".join(block.text for block in blocks if block.type == "text"),
        reasoning="".join(block.thinking for block in thinking),
        signature=next((block.signature for block in thinking if block.signature), None),
        calls=calls, stop=stop(message.stop_reason, ANTHROPIC_STOPS), model=message.model)
    counts = message.usage
    cache_read, cache_write = counts.cache_read_input_tokens or 0, counts.cache_creation_input_tokens or 0
    # Anthropic's input_tokens leaves out what was read from or written to the cache.
    result["usage"] = usage((counts.input_tokens or 0) + cache_read + cache_write, counts.output_tokens, cache_read,
                            field(counts, "output_tokens_details", "thinking_tokens"))


# MARK: Gemini

def gemini_client(base_url, exchange):
    import httpx2
    from google import genai
    from google.genai import types

    # google-genai builds its own client from client_args; a transport of httpx2 makes it pick httpx2.
    return genai.Client(api_key=API_KEY, http_options=types.HttpOptions(
        base_url=base_url, api_version="v1beta", timeout=TIMEOUT * 1000,
        client_args={"transport": recording_transport(httpx2, exchange)}))


def gemini_error(error):
    from google.genai import errors

    if not isinstance(error, errors.APIError):
        return None
    # `response` is the HTTP response (its headers an httpx2.Headers), or for an error inside a stream the SDK's
    # own HttpResponse (its headers a dict, lower-cased names).
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    return error_of(type(error).__name__, error.code, error.message, headers.get("retry-after"))


def run_gemini(client, model, ask, result):
    from google.genai import types

    config = types.GenerateContentConfig(system_instruction=ask.system, max_output_tokens=ask.max_tokens)
    if ask.tools:
        config.tools = [types.Tool(function_declarations=[types.FunctionDeclaration(
            name=WEATHER_NAME, description=WEATHER_DESCRIPTION, parameters_json_schema=WEATHER_PARAMETERS)])]
    if ask.schema:
        config.response_mime_type, config.response_json_schema = "application/json", PERSON_SCHEMA
    if ask.reasoning:
        config.thinking_config = types.ThinkingConfig(include_thoughts=True, thinking_budget=2048)
    contents = ask.user
    if ask.image:
        # The SDK holds inline data as bytes and writes them as base64 itself.
        contents = [types.Content(role="user", parts=[
            types.Part(text=ask.user), types.Part.from_bytes(data=base64.b64decode(PNG_BASE64), mime_type="image/png")])]
    if ask.history:
        contents = [
            types.Content(role="user", parts=[types.Part(text=ask.user)]),
            types.Content(role="model", parts=[types.Part(
                function_call=types.FunctionCall(id="call_1", name=WEATHER_NAME, args=PARIS))]),
            types.Content(role="user", parts=[types.Part(function_response=types.FunctionResponse(
                id="call_1", name=WEATHER_NAME, response={"result": TOOL_RESULT}))]),
        ]

    signatures = []  # (is the part a thought, signature)
    if ask.stream:
        for chunk in client.models.generate_content_stream(model=model, contents=contents, config=config):
            gemini_chunk_into(result, chunk, signatures)
    else:
        gemini_chunk_into(result, client.models.generate_content(model=model, contents=contents, config=config),
                          signatures)
    # The thought's signature, or else the first one seen (Gemini also signs answer text and calls).
    result["signature"] = next((s for thought, s in signatures if thought), signatures[0][1] if signatures else None)
    if result["stop"] == "end" and result["calls"]:
        result["stop"] = "tool"  # Gemini says STOP after function calls too


def gemini_chunk_into(result, chunk, signatures):
    """Adds one reply, or one chunk of a stream, to the result; Gemini sends function calls whole, one per part."""
    result["model"] = chunk.model_version or result["model"]
    counts = chunk.usage_metadata
    if counts is not None:  # each chunk carries the usage so far
        # candidatesTokenCount leaves out the thoughts; the output, as the other formats count it, is both.
        result["usage"] = usage(counts.prompt_token_count, (counts.candidates_token_count or 0) + (counts.thoughts_token_count or 0),
                                counts.cached_content_token_count, counts.thoughts_token_count)
    if not chunk.candidates:
        return
    candidate = chunk.candidates[0]
    for part in field(candidate, "content", "parts") or []:
        if part.thought_signature:
            # The SDK holds the signature as bytes and sends it back URL-safe base64-encoded; so does this.
            signatures.append((bool(part.thought), base64.urlsafe_b64encode(part.thought_signature).decode()))
        if part.function_call:
            result["calls"].append(call(part.function_call.id, part.function_call.name, part.function_call.args or {}))
        elif part.text and part.thought:
            result["reasoning"] += part.text
        elif part.text:
            result["text"] += part.text
    if candidate.finish_reason:
        result["stop"] = stop(candidate.finish_reason, {"STOP": "end", "MAX_TOKENS": "length"})


# MARK: Ollama

def ollama_client(base_url, exchange):
    import httpx  # ollama is built on httpx; its Client passes extra arguments to httpx.Client
    import ollama

    return ollama.Client(host=base_url, timeout=TIMEOUT, transport=recording_transport(httpx, exchange))


def ollama_error(error):
    import ollama

    if not isinstance(error, ollama.ResponseError):
        return None
    # ResponseError keeps only the message and the status (-1 for an error line inside a stream): no headers.
    return error_of(type(error).__name__, error.status_code if error.status_code >= 0 else None, str(error.error))


def run_ollama(client, model, ask, result):
    messages = [{"role": "system", "content": ask.system}] if ask.system else []
    messages.append({"role": "user", "content": ask.user})
    if ask.image:
        messages[-1]["images"] = [PNG_BASE64]
    if ask.history:
        # The SDK's Message has no call id (nor tool_call_id): it drops "id", and the tool result goes by tool_name.
        messages += [
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "function": {"name": WEATHER_NAME, "arguments": PARIS}}]},
            {"role": "tool", "content": TOOL_RESULT, "tool_name": WEATHER_NAME},
        ]
    params = {"model": model, "messages": messages}
    if ask.max_tokens:
        params["options"] = {"num_predict": ask.max_tokens}
    if ask.tools:
        params["tools"] = [{"type": "function", "function": {
            "name": WEATHER_NAME, "description": WEATHER_DESCRIPTION, "parameters": WEATHER_PARAMETERS}}]
    if ask.schema:
        params["format"] = PERSON_SCHEMA
    if ask.reasoning:
        params["think"] = True

    if ask.stream:
        for part in client.chat(**params, stream=True):
            ollama_part_into(result, part)
    else:
        ollama_part_into(result, client.chat(**params, stream=False))


def ollama_part_into(result, part):
    """Adds one reply, or one line of a stream, to the result; Ollama sends tool calls whole."""
    result["model"] = part.model or result["model"]
    message = part.message
    result["text"] += message.content or ""
    result["reasoning"] += message.thinking or ""
    # Ollama's SDK has no tool call id (its ToolCall model drops the one the server sends).
    result["calls"] += [call(getattr(c, "id", None), c.function.name, dict(c.function.arguments or {}))
                        for c in message.tool_calls or []]
    if part.done:
        done = part.done_reason
        result["stop"] = ("tool" if result["calls"] else "end") if done == "stop" else stop(done, {"length": "length"})
        result["usage"] = usage(part.prompt_eval_count, part.eval_count)


# MARK: Running

FORMATS = {  # format: (client factory, runner, SDK error description or None)
    "openai-chat": (openai_client, run_openai_chat, openai_error),
    "openai-responses": (openai_client, run_openai_responses, openai_error),
    "anthropic": (anthropic_client, run_anthropic, anthropic_error),
    "gemini": (gemini_client, run_gemini, gemini_error),
    "ollama": (ollama_client, run_ollama, ollama_error),
}


def run_all(format, base_url, items):
    make_client, run, describe = FORMATS[format]
    exchange = Exchange()
    try:
        client, client_failure = make_client(base_url, exchange), None
    except Exception as failure:  # every alias reports it
        client, client_failure = None, failure
    results = {}
    for item in items:
        alias = item["alias"]
        exchange.reset()
        result = blank_result()
        try:
            if client_failure is not None:
                raise client_failure
            run(client, alias, ask_for(item["scenario"]), result)
        except Exception as failure:
            described = describe(failure)
            if described is None:
                result = {"crash": f"{type(failure).__name__}: {failure}"}
            else:
                result["error"] = described  # what was read before it (a stream's text) stays
        results[alias] = {"result": result, "transcript": exchange.transcript()}
    return results


def main():
    format, base_url = sys.argv[1], sys.argv[2].rstrip("/")
    if format not in FORMATS:
        sys.exit(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    items = json.load(sys.stdin)
    # Standard output carries only the JSON answer: anything an SDK prints goes to standard error.
    with contextlib.redirect_stdout(sys.stderr):
        results = run_all(format, base_url, items)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
