#!/usr/bin/env python3
"""A Route53 stand-in for `platformctl dns` tests (stdlib only; test-only).

Usage: route53_standin.py STATE.json LOG.jsonl PORT_FILE

Listens on 127.0.0.1 on a free port and writes the port to PORT_FILE (atomically).
Every request except GET /checkip and /checkip6 must carry a valid AWS SigV4
signature (AWS4-HMAC-SHA256, region us-east-1, service route53), recomputed
here independently from the known secret: else 403 SignatureDoesNotMatch (or
IncompleteSignature / InvalidClientTokenId / MissingAuthenticationToken).

STATE.json (re-written after each change):
  access_key, secret_key      the credentials the stand-in accepts
  session_token               optional: then X-Amz-Security-Token must be sent and signed
  zone_id                     e.g. "Z0TEST"
  records                     [{"Name": "lab.swhurl.com.", "Type": "A", "TTL": 300,
                                "Values": ["198.51.100.1"], "Alias": false,
                                "SetIdentifier": "..."(optional)}]
  public_ip, public_ip6       served at /checkip and /checkip6 ("" = 500)
  page_size                   optional cap on maxitems, to force pagination
  throttle_first              the first N Route53 requests get 400 Throttling
  throttle_code               default "Throttling" ("429" = HTTP 429 without a body)
  errors                      [{"op": "list"|"change"|"any", "status": 400, "code": "...",
                                "message": "...", "invalid_change_batch": false,
                                "times": N (default: always)}]
LOG.jsonl gets one line per request: method, path, query, body, status, signed.
"""

import hashlib
import hmac
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
UNRESERVED = "-_.~"

STATE_PATH, LOG_PATH, PORT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
with open(STATE_PATH) as f:
    STATE = json.load(f)
COUNTERS = {"route53": 0}


def save_state():
    tmp = STATE_PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump(STATE, f, indent=1)
    os.replace(tmp, STATE_PATH)


def log(entry):
    with open(LOG_PATH, "a") as f:
        f.write(json.dumps(entry) + "\n")


def norm(name):
    """Lowercase, one trailing dot, \\052 decoded."""
    name = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), name).lower()
    return name if name.endswith(".") else name + "."


def show(name):
    """As Route53 lists it: '*' as \\052."""
    return name.replace("*", "\\052")


def sort_key(name):
    # As AWS sorts: labels reversed, each followed by a dot ("com.example.www.").
    return "".join(label + "." for label in reversed(norm(name).rstrip(".").split(".")))


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def error_body(code, message, kind="Sender"):
    return (
        '<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code>'
        "<Message>%s</Message></Error><RequestId>standin-req-1</RequestId></ErrorResponse>"
        % (NS, kind, code, escape(message))
    )


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def canonical_uri(path):
    # The signer URI-encodes the (normalised) path once more, each segment.
    segments = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    uri = "/" + "/".join(urllib.parse.quote(s, safe=UNRESERVED) for s in segments)
    if path.endswith("/") and uri != "/":
        uri += "/"
    return uri


def canonical_query(query):
    pairs = []
    if query:
        for part in query.split("&"):
            if part == "":
                continue
            k, _, v = part.partition("=")
            k = urllib.parse.quote(urllib.parse.unquote(k), safe=UNRESERVED)
            v = urllib.parse.quote(urllib.parse.unquote(v), safe=UNRESERVED)
            pairs.append((k, v))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def check_signature(method, path, query, headers, body):
    """None when the request is signed correctly, else (status, code, message)."""
    auth = headers.get("Authorization")
    if not auth:
        return (403, "MissingAuthenticationToken", "Missing Authentication Token")
    m = re.match(
        r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
        r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$",
        auth,
    )
    if not m:
        return (403, "IncompleteSignature", "Authorization header is malformed")
    key_id, date, region, service, signed, signature = m.groups()
    if key_id != STATE["access_key"]:
        return (403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if region != "us-east-1" or service != "route53":
        return (403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region/service")
    amz_date = headers.get("X-Amz-Date", "")
    if not amz_date.startswith(date):
        return (403, "SignatureDoesNotMatch", "Date in Credential scope does not match X-Amz-Date")
    signed_names = signed.split(";")
    if "host" not in signed_names or "x-amz-date" not in signed_names:
        return (403, "SignatureDoesNotMatch", "host and x-amz-date must be signed")
    token = STATE.get("session_token")
    if token:
        if headers.get("X-Amz-Security-Token") != token or "x-amz-security-token" not in signed_names:
            return (403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    canonical_headers = ""
    for name in signed_names:
        values = headers.get_all(name) or []
        if not values:
            return (403, "SignatureDoesNotMatch", "signed header %s missing" % name)
        value = ",".join(re.sub(r"\s+", " ", v.strip()) for v in values)
        canonical_headers += "%s:%s\n" % (name, value)
    creq = "\n".join(
        [method, canonical_uri(path), canonical_query(query), canonical_headers, signed, sha256_hex(body)]
    )
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, sha256_hex(creq.encode())])
    k = hmac_sha256(("AWS4" + STATE["secret_key"]).encode(), date)
    k = hmac_sha256(k, region)
    k = hmac_sha256(k, service)
    k = hmac_sha256(k, "aws4_request")
    expected = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
        )
    return None


def injected_error(op):
    for e in STATE.get("errors", []):
        if e.get("op", "any") not in (op, "any"):
            continue
        times = e.get("times")
        if times is not None:
            if times <= 0:
                continue
            e["times"] = times - 1
        if e.get("invalid_change_batch"):
            body = (
                '<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="%s"><Messages><Message>%s</Message>'
                "</Messages><RequestId>standin-req-2</RequestId></InvalidChangeBatch>"
                % (NS, escape(e.get("message", "")))
            )
        else:
            body = error_body(e.get("code", "InternalError"), e.get("message", ""))
        return (e.get("status", 400), body)
    return None


def list_records(query):
    params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    records = sorted(STATE["records"], key=lambda r: (sort_key(r["Name"]), r["Type"], r.get("SetIdentifier", "")))
    start = params.get("name")
    if "type" in params and not start:
        return (400, error_body("InvalidInput", "type requires name"))
    if start:
        skey = (sort_key(start), params.get("type", ""), params.get("identifier", ""))
        records = [r for r in records if (sort_key(r["Name"]), r["Type"], r.get("SetIdentifier", "")) >= skey]
    maxitems = int(params.get("maxitems", "300"))
    if maxitems < 1 or maxitems > 300:
        return (400, error_body("InvalidInput", "maxitems must be 1..300"))
    maxitems = min(maxitems, int(STATE.get("page_size", 300)))
    page, rest = records[:maxitems], records[maxitems:]
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListResourceRecordSetsResponse xmlns="%s"><ResourceRecordSets>' % NS]
    for r in page:
        out.append("<ResourceRecordSet><Name>%s</Name><Type>%s</Type>" % (escape(show(norm(r["Name"]))), r["Type"]))
        if r.get("SetIdentifier"):
            out.append("<SetIdentifier>%s</SetIdentifier><Weight>1</Weight>" % escape(r["SetIdentifier"]))
        if r.get("Alias"):
            out.append(
                "<AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d1.cloudfront.net.</DNSName>"
                "<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>"
            )
        else:
            out.append("<TTL>%d</TTL><ResourceRecords>" % r["TTL"])
            for v in r["Values"]:
                out.append("<ResourceRecord><Value>%s</Value></ResourceRecord>" % escape(v))
            out.append("</ResourceRecords>")
        out.append("</ResourceRecordSet>")
    out.append("</ResourceRecordSets>")
    if rest:
        out.append(
            "<IsTruncated>true</IsTruncated><NextRecordName>%s</NextRecordName><NextRecordType>%s</NextRecordType>"
            % (escape(show(norm(rest[0]["Name"]))), rest[0]["Type"])
        )
        if rest[0].get("SetIdentifier"):
            out.append("<NextRecordIdentifier>%s</NextRecordIdentifier>" % escape(rest[0]["SetIdentifier"]))
    else:
        out.append("<IsTruncated>false</IsTruncated>")
    out.append("<MaxItems>%d</MaxItems></ListResourceRecordSetsResponse>" % maxitems)
    return (200, "".join(out))


def change_records(body):
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        return (400, error_body("InvalidInput", "malformed XML: %s" % e))
    q = lambda tag: "{%s}%s" % (NS, tag)
    if root.tag != q("ChangeResourceRecordSetsRequest"):
        return (400, error_body("InvalidInput", "root element must be ChangeResourceRecordSetsRequest in %s" % NS))
    changes = root.findall("./%s/%s/%s" % (q("ChangeBatch"), q("Changes"), q("Change")))
    if not changes:
        return (400, error_body("InvalidInput", "ChangeBatch has no Changes"))
    records = [dict(r) for r in STATE["records"]]
    messages = []
    for c in changes:
        action = c.findtext(q("Action"))
        rrs = c.find(q("ResourceRecordSet"))
        name = norm(rrs.findtext(q("Name")) or "")
        rtype = rrs.findtext(q("Type"))
        ttl = int(rrs.findtext(q("TTL")) or "-1")
        values = [v.text for v in rrs.findall("./%s/%s/%s" % (q("ResourceRecords"), q("ResourceRecord"), q("Value")))]
        same = [r for r in records if norm(r["Name"]) == name and r["Type"] == rtype and not r.get("SetIdentifier")]
        if any(norm(r["Name"]) == name and r["Type"] == "CNAME" for r in records) and rtype != "CNAME":
            messages.append("RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone" % name)
            continue
        if action == "UPSERT":
            for r in same:
                records.remove(r)
            records.append({"Name": name, "Type": rtype, "TTL": ttl, "Values": values})
        elif action == "CREATE":
            if same:
                messages.append("Tried to create resource record set [name='%s', type='%s'] but it already exists" % (name, rtype))
                continue
            records.append({"Name": name, "Type": rtype, "TTL": ttl, "Values": values})
        elif action == "DELETE":
            if not same:
                messages.append("Tried to delete resource record set [name='%s', type='%s'] but it was not found" % (name, rtype))
                continue
            for r in same:
                records.remove(r)
        else:
            return (400, error_body("InvalidInput", "unknown Action %s" % action))
    if messages:
        return (
            400,
            '<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="%s"><Messages>%s</Messages></InvalidChangeBatch>'
            % (NS, "".join("<Message>%s</Message>" % escape(m) for m in messages)),
        )
    STATE["records"] = records
    STATE["changes_applied"] = STATE.get("changes_applied", 0) + 1
    save_state()
    return (
        200,
        '<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsResponse xmlns="%s"><ChangeInfo>'
        "<Id>/change/C0STANDIN%d</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt>"
        "<Comment>%s</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>"
        % (NS, STATE["changes_applied"], escape(root.findtext("./%s/%s" % (q("ChangeBatch"), q("Comment"))) or ""))
    )


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="text/xml"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "standin-req")
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        entry = {"method": method, "path": path, "query": query, "body": body.decode("utf-8", "replace")}
        status, text, ctype = self.route(method, path, query, body, entry)
        entry["status"] = status
        log(entry)
        self.reply(status, text, ctype)

    def route(self, method, path, query, body, entry):
        if method == "GET" and path in ("/checkip", "/checkip6"):
            entry["signed"] = False
            ip = STATE.get("public_ip" if path == "/checkip" else "public_ip6", "")
            if not ip:
                return (500, "no address\n", "text/plain")
            return (200, ip + "\n", "text/plain")
        bad = check_signature(method, path, query, self.headers, body)
        entry["signed"] = bad is None
        if bad:
            status, code, message = bad
            return (status, error_body(code, message), "text/xml")
        COUNTERS["route53"] += 1
        if COUNTERS["route53"] <= int(STATE.get("throttle_first", 0)):
            code = STATE.get("throttle_code", "Throttling")
            if code == "429":
                return (429, "", "text/plain")
            return (400, error_body(code, "Rate exceeded"), "text/xml")
        m = re.match(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$", path)
        if not m:
            return (404, error_body("NotFound", "no such resource " + path), "text/xml")
        if m.group(1) != STATE["zone_id"]:
            return (404, error_body("NoSuchHostedZone", "No hosted zone found with ID: " + m.group(1)), "text/xml")
        op = "list" if method == "GET" else "change"
        err = injected_error(op)
        if err:
            return (err[0], err[1], "text/xml")
        if method == "GET":
            status, text = list_records(query)
        elif method == "POST":
            status, text = change_records(body)
        else:
            status, text = (405, error_body("InvalidInput", "method not allowed"))
        return (status, text, "text/xml")

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")


def main():
    server = HTTPServer(("127.0.0.1", 0), Handler)
    tmp = PORT_FILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, PORT_FILE)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
