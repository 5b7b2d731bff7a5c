#!/usr/bin/env python3
"""/metrics read by Prometheus's own text parser (prometheus_client from PyPI, installed when
missing), /readyz and /healthz, against the binary. Run by e2e/run.sh; alone: python3 e2e/metrics.py."""
import subprocess, sys, urllib.error, urllib.request
from browser import Shop

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "prometheus-client"], check=True)
    from prometheus_client.parser import text_string_to_metric_families

shop = Shop()
try:
    for path in ["/", "/products/all/", "/products/all/", "/product/pride-and-prejudice/", "/no/such/page/"]:
        try:
            urllib.request.urlopen(shop.url + path).read()
        except urllib.error.HTTPError:
            pass
    assert urllib.request.urlopen(shop.url + "/healthz").read() == b"ok\n"
    assert urllib.request.urlopen(shop.url + "/readyz").read() == b"ready\n"
    text = urllib.request.urlopen(shop.url + "/metrics").read().decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    requests = families["booktime_http_requests"]
    assert requests.type == "counter", requests.type
    by_route = {(s.labels["route"], s.labels["status"]): s.value for s in requests.samples if s.name == "booktime_http_requests_total"}
    assert by_route.get(("/products/{tag}", "200")) == 2, by_route
    assert any(status == "404" for _, status in by_route), by_route
    assert not any("such" in route for route, _ in by_route), f"a raw path became a label: {by_route}"
    assert families["booktime_http_request_duration_seconds"].type == "histogram"
    for name in ["booktime_page_cache_hits", "booktime_page_cache_misses", "booktime_db_write_wait_seconds", "booktime_outbox_pending",
                 "booktime_outbox_failed", "booktime_sessions_active", "booktime_chat_sockets_open", "booktime_backup_age_seconds"]:
        assert name in families, f"{name} missing from /metrics"
    print(f"metrics: passed ({len(families)} metric families parsed by prometheus_client)")
finally:
    shop.stop()
