"""Drives `nemoctl mcp` with the official MCP Python SDK, a client that is not ours.

Usage: client.py offline|cloud LOG_DIR SERVER_COMMAND...

The server runs in the current directory, with this process's environment, behind `tee`
so that every byte on the wire in both directions lands in LOG_DIR/to-server.jsonl and
LOG_DIR/from-server.jsonl (the Rust test reads them: only JSON-RPC on stdout, and never
the token); its stderr goes to LOG_DIR/stderr.log. Exit 0 when every check passed.
"""

import json
import os
import subprocess
import sys
import urllib.request

try:
    import anyio
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
    from mcp.shared.exceptions import MCPError
except ImportError as error:
    print(f"the MCP Python SDK is missing ({error}): pip install mcp", file=sys.stderr)
    sys.exit(3)

TOOLS = ["edit", "new_project", "use_project", "projects", "upload", "chat", "tracks", "export", "jobs", "credits"]


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def ffprobe_duration(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip())


class Progress:
    """Every progress notification of one call; `then` is called once, at the first whose
    message starts with `at`."""

    def __init__(self, then=None, at=""):
        self.seen = []
        self.then = then
        self.at = at

    async def __call__(self, progress, total, message):
        self.seen.append((progress, total, message))
        if self.then and (message or "").startswith(self.at):
            then, self.then = self.then, None
            then()


async def call(session, name, arguments=None, progress=None):
    result = await session.call_tool(name, arguments or {}, progress_callback=progress)
    print(f"{name}: {'ERROR ' if result.is_error else ''}{result.content[0].text if result.content else ''}")
    return result


def ok(result, name):
    check(not result.is_error, f"{name} failed: {result.structured_content}")
    check(isinstance(result.structured_content, dict), f"{name}: structured content")
    check(len(result.content) == 1 and "\n" not in result.content[0].text, f"{name}: one line of text")
    return result.structured_content


async def initialize_and_list(session):
    init = await session.initialize()
    check(init.server_info.name == "nemoctl", f"server info: {init.server_info}")
    check(init.capabilities.tools is not None and init.capabilities.resources is not None, "capabilities")
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    check(sorted(tools) == sorted(TOOLS), f"tools: {sorted(tools)}")
    edit = tools["edit"].input_schema
    check(edit["type"] == "object" and sorted(edit["required"]) == ["files", "prompt"], f"edit schema: {edit}")
    check(edit["properties"]["files"]["type"] == "array", "files is a list")
    check(all(tools[name].description for name in TOOLS), "every tool is described")
    check(set(tools["upload"].input_schema["properties"]) == {"paths", "urls"}, "upload's arguments")
    check(set(tools["export"].input_schema["properties"]) == {"output", "detach"}, "export's arguments")
    return tools


async def offline(session):
    await initialize_and_list(session)

    # The quick edit: a real 4.2 s MP4, with progress on the way.
    progress = Progress()
    prompt = "remove the pauses, add a title 'Hello'"
    result = await call(session, "edit", {"files": ["clip.mp4"], "prompt": prompt, "output": "out.mp4"}, progress)
    done = ok(result, "edit")
    out = os.path.join(os.getcwd(), "out.mp4")
    check(done["output"] == out, f"the output is resolved: {done['output']}")
    check(done["bytes"] == os.path.getsize(out), "bytes")
    check(abs(done["duration_s"] - 4.2) <= 0.1, f"duration_s {done['duration_s']}")
    check(done["render_id"].startswith("render_"), "render id")
    check(any('"Hello"' in change for change in done["changes"]), f"changes: {done['changes']}")
    duration = ffprobe_duration(out)
    check(abs(duration - 4.2) <= 0.1, f"ffprobe: {duration} s")
    renders = [p for p in progress.seen if p[2] and p[2].startswith("rendering")]
    check(renders and all(p[1] == 100 for p in renders), f"render progress: {progress.seen}")
    check(any(p[2] and p[2].startswith("downloaded") for p in progress.seen), "download progress")

    # A refused input: isError, code 6, nothing written.
    with open("notes.txt", "w") as notes:
        notes.write("not a video")
    result = await call(session, "edit", {"files": ["notes.txt"], "prompt": "add a title 'x'", "output": "bad.mp4"})
    check(result.is_error, "a .txt edit is an error")
    error = result.structured_content
    check(error["code"] == 6 and ".txt" in error["message"] and error["hint"], f"error: {error}")
    check(not os.path.exists("bad.mp4") and not os.path.exists("bad.mp4.part"), "no file")

    # Malformed arguments: a protocol error naming the argument.
    for arguments, named in [({"files": 3, "prompt": "x"}, "files"), ({"files": ["clip.mp4"]}, "prompt")]:
        try:
            await session.call_tool("edit", arguments)
            check(False, f"{arguments} was accepted")
        except MCPError as error:
            check(error.code == -32602 and named in error.message, f"{error.code} {error.message}")

    # Step by step, then an export cancelled at its first progress (the render submitted,
    # seconds of work ahead): no file, the server goes on.
    ok(await call(session, "new_project", {"name": "cancel-me"}), "new_project")
    ok(await call(session, "upload", {"paths": ["clip.mp4"]}), "upload")
    turn = ok(await call(session, "chat", {"message": "add a title 'Bye'"}), "chat")
    check(turn["intent"] == "chat" and turn["changes"], f"chat: {turn}")
    tracks = ok(await call(session, "tracks"), "tracks")
    check("Bye" in tracks["summary"] and len(tracks["tracks"]) == 2, f"tracks: {tracks}")
    async with anyio.create_task_group() as group:
        progress = Progress(then=group.cancel_scope.cancel)
        group.start_soon(call, session, "export", {"output": "cancelled.mp4"}, progress)
    check(progress.seen, "the export had begun")
    jobs = ok(await call(session, "jobs"), "jobs")
    check(jobs["jobs"], "the render is known")
    check(not os.path.exists("cancelled.mp4") and not os.path.exists("cancelled.mp4.part"), "no output")

    # Two quick edits side by side: each in a project of its own, the current one untouched.
    edits = {}

    async def edit_as(title):
        arguments = {"files": ["clip.mp4"], "prompt": f"add a title '{title}'", "output": f"{title}.mp4"}
        edits[title] = await call(session, "edit", arguments)

    async with anyio.create_task_group() as group:
        for title in ["One", "Two"]:
            group.start_soon(edit_as, title)
    for title in ["One", "Two"]:
        done = ok(edits[title], f"edit {title}")
        check(any(f'"{title}"' in change for change in done["changes"]), f"{title}: {done['changes']}")
        check(os.path.getsize(f"{title}.mp4") == done["bytes"], f"{title}.mp4")

    # Calls side by side, the resources, the offline account.
    results = {}

    async def into(name):
        results[name] = await call(session, name)

    async with anyio.create_task_group() as group:
        for name in ["projects", "jobs", "credits", "tracks"]:
            group.start_soon(into, name)
    projects = ok(results["projects"], "projects")["projects"]
    check([p["name"] for p in projects if p["current"]] == ["cancel-me"], f"projects: {projects}")
    check(ok(results["credits"], "credits")["offline"] is True, "offline credits")
    uris = [str(r.uri) for r in (await session.list_resources()).resources]
    check(uris == ["nemoctl://guide", "nemoctl://project/timeline"], f"resources: {uris}")
    guide = (await session.read_resource("nemoctl://guide")).contents[0].text
    check("nemoctl" in guide and "mcp" in guide, "the guide")
    timeline = json.loads((await session.read_resource("nemoctl://project/timeline")).contents[0].text)
    check("Bye" in timeline["summary"], f"timeline: {timeline}")


async def cloud(session):
    await initialize_and_list(session)
    ok(await call(session, "credits"), "credits")
    done = ok(await call(session, "edit", {"files": ["clip.mp4"], "prompt": "add a title 'x'", "output": "e.mp4"}), "edit")
    check(os.path.getsize("e.mp4") == done["bytes"], "the cloud edit's file")
    ok(await call(session, "new_project", {"name": "trip"}), "new_project")
    ok(await call(session, "upload", {"paths": ["clip.mp4"]}), "upload")
    ok(await call(session, "chat", {"message": "add music"}), "chat")
    ok(await call(session, "tracks"), "tracks")
    ok(await call(session, "export", {"output": "trip.mp4"}, Progress()), "export")
    ok(await call(session, "jobs"), "jobs")
    ok(await call(session, "projects"), "projects")
    await session.read_resource("nemoctl://project/timeline")

    # A chat cancelled after the service got it (its answer held back): never sent again.
    fake("/_fake/reply-delay", {"endpoint": "send_message", "ms": 20000})
    sent = len(fake_calls("send_message"))
    async with anyio.create_task_group() as group:
        group.start_soon(call, session, "chat", {"message": "add a title 'Held'"})
        for _ in range(2000):
            if len(fake_calls("send_message")) > sent:
                break
            await anyio.sleep(0.01)
        group.cancel_scope.cancel()
    fake("/_fake/reply-delay", {"endpoint": "send_message", "ms": 0})
    # Whether the edit landed depends on how far the fake got; either way it is read, not re-sent.
    ok(await call(session, "tracks"), "tracks")
    check(len(fake_calls("send_message")) == sent + 1, "the cancelled message was sent once")

    # An export cancelled while the render stalls at 50 %: no file, submitted once.
    fake("/_fake/faults", {"endpoint": "submit_render", "fault": {"kind": "render_stalls"}})
    submitted = len(fake_calls("submit_render"))
    async with anyio.create_task_group() as group:
        progress = Progress(then=group.cancel_scope.cancel, at="rendering")
        group.start_soon(call, session, "export", {"output": "stalled.mp4"}, progress)
    check(not os.path.exists("stalled.mp4") and not os.path.exists("stalled.mp4.part"), "no output")
    check(len(fake_calls("submit_render")) == submitted + 1, "submitted once")


def fake(path, body=None):
    """A switch or read of the fake cloud (`docs/fake-cloud.md`)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(os.environ["NEMO_API_URL"] + path, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def fake_calls(endpoint):
    return [c for c in fake("/_fake/calls")["data"]["calls"] if c["endpoint"] == endpoint]


async def main():
    mode, log_dir, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    env = dict(os.environ)
    env["MCP_TO_SERVER"] = os.path.join(log_dir, "to-server.jsonl")
    env["MCP_FROM_SERVER"] = os.path.join(log_dir, "from-server.jsonl")
    tee = 'tee -a "$MCP_TO_SERVER" | "$@" | tee -a "$MCP_FROM_SERVER"'
    server = StdioServerParameters(command="sh", args=["-c", tee, "sh", *command], env=env, cwd=os.getcwd())
    with open(os.path.join(log_dir, "stderr.log"), "w") as errlog:
        async with stdio_client(server, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await {"offline": offline, "cloud": cloud}[mode](session)
    print(f"mcp client: every {mode} check passed")


if __name__ == "__main__":
    anyio.run(main)
