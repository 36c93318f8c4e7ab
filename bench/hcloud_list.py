#!/usr/bin/env python3
"""The reference contestant: lists every server with the official Python client `hcloud`.

Reads HCLOUD_TOKEN and HCLOUD_ENDPOINT and prints `count=<n> id_sum=<s> import_ms=<t>
list_ms=<t>`. `Client.servers.get_all()` fetches page after page (per_page=50) and collects
every server into one list before it returns: that is its documented behaviour, used as is.
"""

import os
import time

start = time.perf_counter()
from hcloud import Client  # noqa: E402  (the import is part of what is measured)

imported = time.perf_counter()
client = Client(token=os.environ["HCLOUD_TOKEN"], api_endpoint=os.environ["HCLOUD_ENDPOINT"])
servers = client.servers.get_all()
listed = time.perf_counter()
print(
    f"count={len(servers)} id_sum={sum(server.id for server in servers)}"
    f" import_ms={(imported - start) * 1000:.0f} list_ms={(listed - imported) * 1000:.0f}"
)
