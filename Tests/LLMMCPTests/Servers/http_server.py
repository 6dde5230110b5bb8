"""A small MCP server over Streamable HTTP for the LLMMCP tests, built on the `mcp` package that
mcp-server-time installs. It answers with plain JSON (json_response), which the Swift SDK's HTTP client
transport needs on Linux. Prints "PORT <n>" once it has chosen a free loopback port.

Works with mcp 2.x (MCPServer) and 1.x (FastMCP).
"""
import os
import socket
import threading
import time

try:
    from mcp.server.mcpserver import MCPServer  # mcp 2.x

    LEGACY = False
except ImportError:
    from mcp.server.fastmcp import FastMCP  # mcp 1.x

    LEGACY = True

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]

if LEGACY:
    server = FastMCP("swift-llm-test-http", host="127.0.0.1", port=port, json_response=True, stateless_http=True)
else:
    server = MCPServer("swift-llm-test-http")


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def fail(reason: str) -> str:
    """Always fails, with the given reason."""
    raise ValueError(reason)


def exit_with_parent():
    # A test run that crashes must not leave the server behind.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
print(f"PORT {port}", flush=True)
if LEGACY:
    server.run(transport="streamable-http")
else:
    server.run("streamable-http", host="127.0.0.1", port=port, json_response=True, stateless_http=True)
