using System.Text;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Faults.Tests.Support;

/// <summary>One generated request that a careful service must refuse (or, for a read, answer) without a 5xx and without storing anything.</summary>
public sealed record HostileRequest(int Index, string Category, string Method, string Path, byte[]? Body, string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers, string? Authorization)
{
    public string Describe()
    {
        var body = Body is null ? "no body" : $"{Body.Length} bytes: {Preview(Body)}";
        var headers = string.Join("; ", Headers.Select(h => $"{h.Key}: {Shorten(h.Value, 60)}"));
        return $"#{Index} [{Category}] {Method} {Shorten(Path, 200)} (auth: {Shorten(Authorization ?? "none", 40)}; content-type: {ContentType ?? "none"}; headers: {headers}; body {body})";
    }

    private static string Preview(byte[] body) => Shorten(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 160)).ReplaceLineEndings(" "), 160);

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + $"…({s.Length} chars)";
}

/// <summary>
/// Generates malformed requests from a fixed seed, so a failure names a request that the same seed makes again: wrong
/// JSON types, broken and deep and huge JSON, invalid UTF-8, odd content types, oversized and odd headers, bad path segments
/// (<c>%00</c>, <c>..</c>, very long ids, unicode), bad/expired/garbage/alg-none tokens, roles that may not write, wrong
/// methods, bad query strings, forged event deliveries and gRPC paths on the REST port. Every write it makes carries at
/// least one defect that must refuse it, so after the run the stored data must be exactly what it was before.
/// </summary>
public sealed class HostileRequests
{
    public enum Family { ActionPlan, Risk }

    private static readonly string P = FaultPlatform.Partnership;
    private readonly Random _random;
    private readonly Dictionary<string, string> _tokens;
    private readonly long[] _actionIds;
    private readonly long[] _riskIds;
    private readonly int _actionPlanGrpcPort;
    private readonly int _riskGrpcPort;
    private int _index;

    /// <param name="actionIds">Actions that exist, so that writes reach deep into the code with their defects.</param>
    /// <param name="actionPlanGrpcPort">The services' gRPC ports, for requests that pretend (by their Host header) to arrive on them.</param>
    public HostileRequests(int seed, long[] actionIds, long[] riskIds, int actionPlanGrpcPort, int riskGrpcPort)
    {
        _random = new Random(seed);
        _actionIds = actionIds;
        _riskIds = riskIds;
        _actionPlanGrpcPort = actionPlanGrpcPort;
        _riskGrpcPort = riskGrpcPort;
        _tokens = new Dictionary<string, string>
        {
            ["manager"] = TestAuth.Token(FaultPlatform.Manager),
            ["admin"] = TestAuth.Token(TestUser.Admin),
            ["partner"] = TestAuth.Token(FaultPlatform.Police),
            ["board"] = TestAuth.Token(TestUser.Board(P)),
            ["expired"] = TestAuth.IssuerWith(clock: new TestAuth.PastClock(TimeSpan.FromHours(3)), lifetime: TimeSpan.FromHours(1)).IssueFor(FaultPlatform.Manager.AsDemoUser()),
            ["other-key"] = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(TestUser.Admin.AsDemoUser()),
            ["other-audience"] = TestAuth.IssuerWith(audience: "somebody-else").IssueFor(TestUser.Admin.AsDemoUser()),
        };
        _tokens["alg-none"] = AlgNone(_tokens["admin"]);
        _tokens["tampered"] = Tamper(_tokens["manager"]);
    }

    /// <summary>The next request for a target serving <paramref name="families"/>.</summary>
    public HostileRequest Next(params Family[] families)
    {
        var family = Pick(families);
        var category = Pick(Categories);
        return category switch
        {
            "wrong-type" => Write(category, family, body => WrongType(body)),
            "broken-json" => Write(category, family, body => Encoding.UTF8.GetBytes(BrokenJson(body))),
            "deep-json" => Write(category, family, _ => Encoding.UTF8.GetBytes(DeepJson(_random.Next(70, 3000)))),
            "huge-json" => Write(category, family, body => HugeJson(body)),
            "empty-json" => Write(category, family, _ => Encoding.UTF8.GetBytes(Pick(["", " ", "null", "[]", "0", "\"x\"", "{}", "true", "{\"\":{}}"]))),
            "invalid-utf8" => Write(category, family, body => InvalidUtf8(body)),
            "content-type" => ContentType(family),
            "odd-headers" => OddHeaders(family),
            "path" => BadPath(family),
            "token" => BadToken(family),
            "role" => Role(family),
            "method" => WrongMethod(family),
            "query" => BadQuery(family),
            "forged" => Forged(family),
            _ => throw new InvalidOperationException(category),
        };
    }

    private static readonly string[] Categories =
    [
        "wrong-type", "wrong-type", "broken-json", "deep-json", "huge-json", "empty-json", "invalid-utf8", "content-type",
        "odd-headers", "path", "path", "token", "token", "role", "method", "query", "forged",
    ];

    // ---- writes: a valid body for a real write, then one defect -------------------------------------------------------

    private sealed record WriteTarget(string Method, string Path, JsonObject Body, string Token, bool NeedsIfMatch = false);

    private WriteTarget AnyWrite(Family family)
    {
        var action = Pick(_actionIds);
        var risk = Pick(_riskIds);
        return family == Family.ActionPlan
            ? _random.Next(6) switch
            {
                0 => new("POST", $"/api/partnerships/{P}/actions", FaultPlatform.ActionBody("Hostile action"), "manager"),
                1 => new("PUT", $"/api/partnerships/{P}/actions/{action}", FaultPlatform.ActionBody("Hostile revision"), "manager", NeedsIfMatch: true),
                2 => new("POST", $"/api/partnerships/{P}/actions/{action}/updates", new JsonObject { ["status"] = "on-track", ["progressPercent"] = 40, ["commentary"] = "Hostile update" }, "partner"),
                3 => new("PUT", $"/api/partnerships/{P}", new JsonObject { ["name"] = "Hostile", ["agencies"] = new JsonArray(new JsonObject { ["id"] = "kent-police", ["name"] = "Kent Police", ["responsibleAuthority"] = true }) }, "admin"),
                4 => new("PUT", $"/api/partnerships/{P}/plans/hostile-plan", new JsonObject { ["title"] = "Hostile plan", ["startYear"] = 2024, ["endYear"] = 2027, ["priorities"] = new JsonArray(new JsonObject { ["id"] = "asb", ["title"] = "ASB", ["areasOfFocus"] = new JsonArray() }) }, "manager"),
                _ => new("POST", $"/api/partnerships/{P}/update-rounds", new JsonObject { ["period"] = "2026-Q3", ["opensOn"] = "2026-10-01", ["deadline"] = "2026-10-31" }, "manager"),
            }
            : _random.Next(6) switch
            {
                0 => new("POST", $"/api/partnerships/{P}/risks", FaultPlatform.RiskBody("Hostile risk"), "manager"),
                1 => new("PUT", $"/api/partnerships/{P}/risks/{risk}", FaultPlatform.RiskBody("Hostile revision"), "manager", NeedsIfMatch: true),
                2 => new("POST", $"/api/partnerships/{P}/risks/{risk}/assessments", new JsonObject { ["current"] = "E3", ["rationale"] = "Hostile" }, "manager"),
                3 => new("POST", $"/api/partnerships/{P}/risks/{risk}/mitigations", new JsonObject { ["actionId"] = action }, "manager"),
                4 => new("POST", $"/api/partnerships/{P}/risks/{risk}/close", new JsonObject { ["reason"] = "Hostile" }, "manager"),
                _ => new("PUT", $"/api/partnerships/{P}/risk-matrix", new JsonObject { ["name"] = "Hostile matrix", ["ratingFormat"] = "letter-number" }, "manager"),
            };
    }

    private HostileRequest Write(string category, Family family, Func<JsonObject, byte[]> defect)
    {
        var target = AnyWrite(family);
        var headers = new List<KeyValuePair<string, string>>();
        if (target.NeedsIfMatch) headers.Add(new("If-Match", "\"1\""));
        return new(_index++, category, target.Method, target.Path, defect(target.Body), "application/json", headers, Bearer(target.Token));
    }

    /// <summary>One top-level field replaced by a value of another JSON kind (never a numeric string, which the web
    /// defaults would read as a number, nor null, which an optional field accepts).</summary>
    private byte[] WrongType(JsonObject body)
    {
        var key = Pick(body.Select(p => p.Key).ToArray());
        var original = body[key];
        JsonNode replacement = original switch
        {
            JsonValue v when v.TryGetValue<string>(out _) => Pick<Func<JsonNode>>([() => _random.Next(), () => true, () => new JsonObject { ["$ne"] = 1 }, () => new JsonArray(1, 2), () => 1.5e308])(),
            JsonValue v when v.TryGetValue<bool>(out _) => Pick<Func<JsonNode>>([() => "yes", () => new JsonArray(), () => 2])(),
            JsonValue => Pick<Func<JsonNode>>([() => "abc", () => new JsonArray(), () => new JsonObject(), () => "1e999", () => "12abc"])(),
            JsonArray => Pick<Func<JsonNode>>([() => "kent-police", () => 7, () => new JsonObject { ["0"] = "x" }, () => true])(),
            JsonObject => Pick<Func<JsonNode>>([() => "object", () => 3, () => new JsonArray()])(),
            _ => "unexpected",
        };
        body[key] = replacement;
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private string BrokenJson(JsonObject body)
    {
        var json = body.ToJsonString();
        return _random.Next(9) switch
        {
            0 => json[..Math.Max(1, _random.Next(json.Length - 1))],                 // truncated
            1 => json[..^1] + ",}",                                               // trailing comma
            2 => json.Replace('"', '\''),                                          // single quotes
            3 => json + "garbage",                                                // trailing text
            4 => json.Replace(":", ":NaN,\"x\":", StringComparison.Ordinal),       // NaN
            5 => "/* comment */" + json,                                          // comments
            6 => json.Insert(json.Length / 2, "\u0001\u0000"),                     // control characters
            7 => "{\"title\":\"unterminated",                                     // unterminated string
            _ => new string('{', 5) + json,                                       // unbalanced
        };
    }

    private static string[] TextFields(JsonObject body) =>
        body.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Select(p => p.Key).ToArray();

    private static string DeepJson(int depth) =>
        depth % 2 == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private byte[] HugeJson(JsonObject body)
    {
        var texts = TextFields(body);
        // Always longer than any text field allows (4,000), so never a valid write; a body with no text field of its own
        // gets an unknown one, which binding ignores, so it must be over the size limit instead.
        var key = texts.Length > 0 ? Pick(texts) : "padding";
        var size = texts.Length > 0 ? Pick([9_000, 70_000, 300_000, 2_000_000]) : Pick([70_000, 300_000, 2_000_000]);
        body[key] = string.Concat(Enumerable.Repeat(Pick(["x", "é", "€", "𝄞"]), texts.Length > 0 ? size / 2 : size));
        if (_random.Next(3) == 0 && texts.Length > 0) body["extra"] = new JsonArray(Enumerable.Range(0, size / 8).Select(i => (JsonNode)i).ToArray());
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    private byte[] InvalidUtf8(JsonObject body)
    {
        var texts = TextFields(body);
        // In a text field the body binds to; a body without one gets the bad bytes in place of a value (a syntax error),
        // since bad bytes in a field that binding ignores are never decoded.
        var key = texts.Length > 0 ? Pick(texts) : body.First().Key;
        body[key] = "@@BAD@@";
        var json = Encoding.UTF8.GetBytes(body.ToJsonString());
        if (texts.Length == 0) json = Encoding.UTF8.GetBytes(body.ToJsonString().Replace("\"@@BAD@@\"", "@@BAD@@", StringComparison.Ordinal));
        byte[] bad = Pick<byte[]>([[0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x80]]);
        var marker = Encoding.UTF8.GetBytes("@@BAD@@");
        var at = json.AsSpan().IndexOf(marker);
        return [.. json[..at], .. bad, .. json[(at + marker.Length)..]];
    }

    private HostileRequest ContentType(Family family)
    {
        var target = AnyWrite(family);
        var type = Pick<string?>(["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "image/png", null]);
        var headers = new List<KeyValuePair<string, string>>();
        if (target.NeedsIfMatch) headers.Add(new("If-Match", "\"1\""));
        return new(_index++, "content-type", target.Method, target.Path, Encoding.UTF8.GetBytes(target.Body.ToJsonString()), type, headers, Bearer(target.Token));
    }

    // ---- reads and routes --------------------------------------------------------------------------------------------

    private string AnyReadPath(Family family)
    {
        var action = Pick(_actionIds);
        var risk = Pick(_riskIds);
        return family == Family.ActionPlan
            ? Pick([$"/api/partnerships", $"/api/partnerships/{P}", $"/api/partnerships/{P}/plans", $"/api/partnerships/{P}/plans/{FaultPlatform.PlanId}",
                $"/api/partnerships/{P}/actions", $"/api/partnerships/{P}/actions/summary", $"/api/partnerships/{P}/actions/{action}",
                $"/api/partnerships/{P}/actions/{action}/updates", $"/api/partnerships/{P}/actions/{action}/audit", $"/api/partnerships/{P}/update-rounds"])
            : Pick([$"/api/partnerships/{P}/risks", $"/api/partnerships/{P}/risks/heat-map", $"/api/partnerships/{P}/risks/{risk}",
                $"/api/partnerships/{P}/risks/{risk}/assessments", $"/api/partnerships/{P}/risks/{risk}/audit", $"/api/partnerships/{P}/risk-matrix"]);
    }

    private HostileRequest OddHeaders(Family family)
    {
        var headers = new List<KeyValuePair<string, string>>();
        switch (_random.Next(8))
        {
            case 0: headers.Add(new("X-Huge", new string('a', Pick([9_000, 40_000, 100_000])))); break;
            case 1: for (var i = 0; i < Pick([60, 150, 400]); i++) headers.Add(new($"X-Many-{i}", "v")); break;
            case 2: headers.Add(new("X-Unicode", Pick(["café ☕", "\u202Eevil", "𝄞𝄞", "\u00ff\u00fe"]))); break;
            case 3: headers.Add(new("traceparent", Pick(["garbage", "00-zzzz-yyyy-01", "ff-" + new string('0', 32) + "-" + new string('0', 16) + "-01", new string('0', 5000)]))); break;
            case 4: headers.Add(new("If-None-Match", Pick(["*", "garbage", "W/\"1\", \"2\""]))); break;
            case 5: headers.Add(new("X-Forwarded-For", Pick(["1.2.3.4, 5.6.7.8", "not-an-ip", "::1"]))); headers.Add(new("X-Forwarded-Host", "evil.example")); break;
            case 6: headers.Add(new("Accept", Pick(["application/xml", "*/*;q=garbage", "text/html", new string('x', 3000)]))); break;
            default: headers.Add(new("Accept-Language", new string('-', 500))); headers.Add(new("Cookie", "session=" + new string('c', 4000))); break;
        }
        var token = Pick(["manager", "board", "partner"]);
        return new(_index++, "odd-headers", "GET", AnyReadPath(family), null, null, headers, Bearer(token));
    }

    private HostileRequest BadPath(Family family)
    {
        var resource = family == Family.ActionPlan ? Pick(["actions", "plans", "update-rounds"]) : Pick(["risks", "risk-matrix"]);
        var segment = Pick([
            "%00", "..", "%2e%2e", "%2e%2e%2f%2e%2e", "a%2Fb", "%0d%0aX-Injected:1", "-1", "0", "99999999999999999999999999", "1.5", "1e9",
            new string('9', 300), new string('a', Pick([300, 3000, 9000])), "١٢٣", "𝟙𝟚𝟛", "%C0%AE%C0%AE", "%FF", "*", "{medway}", "medway}:x",
            "%E2%80%AE", "con", ";", "~", "%20", "%", "%%32%65"]);
        var path = _random.Next(3) switch
        {
            0 => $"/api/partnerships/{segment}/{resource}",
            1 => $"/api/partnerships/{P}/{resource}/{segment}",
            _ => $"/api/partnerships/{P}/{resource}/{segment}/{Pick(["updates", "assessments", "audit", "outstanding", "..", "%00"])}",
        };
        var method = Pick(["GET", "GET", "POST", "PUT"]);
        byte[]? body = method == "GET" ? null : Encoding.UTF8.GetBytes("{\"title\":" + _random.Next() + "}"); // a wrong type: never a valid write
        return new(_index++, "path", method, path, body, body is null ? null : "application/json", [], Bearer(Pick(["manager", "admin", "partner"])));
    }

    private HostileRequest BadToken(Family family)
    {
        // A valid body on a real write: only the token is wrong.
        var target = AnyWrite(family);
        var authorization = _random.Next(12) switch
        {
            0 => null,
            1 => "Bearer ",
            2 => "Bearer garbage",
            3 => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")),
            4 => Bearer("expired"),
            5 => Bearer("other-key"),
            6 => Bearer("other-audience"),
            7 => Bearer("alg-none"),
            8 => Bearer("tampered"),
            9 => "Bearer " + new string('A', Pick([5_000, 20_000])),
            10 => "Bearer a.b.c",
            _ => "bearer " + _tokens["manager"][..^2],
        };
        var headers = new List<KeyValuePair<string, string>>();
        if (target.NeedsIfMatch) headers.Add(new("If-Match", "\"1\""));
        var method = _random.Next(4) == 0 ? "GET" : target.Method;
        var path = method == "GET" ? AnyReadPath(family) : target.Path;
        var body = method == "GET" ? null : Encoding.UTF8.GetBytes(target.Body.ToJsonString());
        return new(_index++, "token", method, path, body, body is null ? null : "application/json", headers, authorization);
    }

    private HostileRequest Role(Family family)
    {
        // Writes that only the manager (or admin) may make, with a valid body, by the board or a partner.
        var (method, path, body) = family == Family.ActionPlan
            ? _random.Next(3) switch
            {
                0 => ("POST", $"/api/partnerships/{P}/actions", FaultPlatform.ActionBody("Not yours to add")),
                1 => ("PUT", $"/api/partnerships/{P}", new JsonObject { ["name"] = "Takeover", ["agencies"] = new JsonArray(new JsonObject { ["id"] = "kent-police", ["name"] = "Kent Police" }) }),
                _ => ("POST", $"/api/partnerships/{P}/update-rounds", new JsonObject { ["period"] = "2026-Q3", ["opensOn"] = "2026-10-01", ["deadline"] = "2026-10-31" }),
            }
            : _random.Next(2) switch
            {
                0 => ("POST", $"/api/partnerships/{P}/risks", FaultPlatform.RiskBody("Not yours to add")),
                _ => ("POST", $"/api/partnerships/{P}/risks/{Pick(_riskIds)}/close", new JsonObject { ["reason"] = "Not yours to close" }),
            };
        var token = path.EndsWith($"/{P}", StringComparison.Ordinal) ? Pick(["manager", "board", "partner"]) : "board";
        return new(_index++, "role", method, path, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", [], Bearer(token));
    }

    private HostileRequest WrongMethod(Family family)
    {
        var method = Pick(["DELETE", "PATCH", "TRACE", "FOO", "PUT", "POST", "PROPFIND"]);
        var path = AnyReadPath(family);
        // Only routes where the method is not mapped: a PUT/POST here goes to a read-only path with a wrong-typed body.
        if (method is "PUT" or "POST") path = Pick([$"/api/partnerships/{P}/actions/summary", $"/api/partnerships/{P}/risks/heat-map", $"/api/partnerships/{P}/actions/{Pick(_actionIds)}/audit"]);
        byte[]? body = method is "PUT" or "POST" or "PATCH" ? Encoding.UTF8.GetBytes("{\"title\":[1]}") : null;
        return new(_index++, "method", method, path, body, body is null ? null : "application/json", [], Bearer(Pick(["manager", "admin"])));
    }

    private HostileRequest BadQuery(Family family)
    {
        var query = Pick([
            "page=-1", "page=0", "pageSize=0", "pageSize=100000", "page=abc", "pageSize=1e9", "page=99999999999999999999", "overdue=maybe",
            "strand=sideways", "status=%00", "priority=" + new string('p', 2000), "agency=%FF%FE", "page=1&page=2&page=x", "strand[]=x",
            "band=%E2%80%AE", "status=" + Uri.EscapeDataString("'; FLUSHALL"), "q=" + new string('q', Pick([500, 9000]))]);
        var path = family == Family.ActionPlan
            ? Pick([$"/api/partnerships/{P}/actions", $"/api/partnerships/{P}/update-rounds"])
            : Pick([$"/api/partnerships/{P}/risks", $"/api/partnerships/{P}/risks/heat-map"]);
        return new(_index++, "query", "GET", $"{path}?{query}", null, null, [], Bearer(Pick(["manager", "board", "partner"])));
    }

    /// <summary>Forged event deliveries (the Dapr endpoints are not mapped with the Redis Streams transport), the Dapr
    /// subscription list, and a gRPC method on the REST port with a Host header naming the gRPC port.</summary>
    private HostileRequest Forged(Family family)
    {
        switch (_random.Next(4))
        {
            case 0:
            {
                var forged = new JsonObject
                {
                    ["specversion"] = "1.0", ["id"] = Guid.NewGuid().ToString("n"), ["source"] = "/csp/actionplan", ["type"] = "partnership.changed",
                    ["datacontenttype"] = "application/json", ["partnership"] = P,
                    ["data"] = new JsonObject { ["partnershipId"] = P, ["name"] = "Frozen", ["agencies"] = new JsonArray(), ["version"] = long.MaxValue },
                };
                return new(_index++, "forged", "POST", "/events/partnership.changed", Encoding.UTF8.GetBytes(forged.ToJsonString()), "application/cloudevents+json", [], null);
            }
            case 1:
            {
                var forged = new JsonObject
                {
                    ["specversion"] = "1.0", ["id"] = Guid.NewGuid().ToString("n"), ["source"] = "/csp/actionplan", ["type"] = "action.completed",
                    ["data"] = new JsonObject { ["partnershipId"] = P, ["actionId"] = Pick(_actionIds), ["priorityId"] = "x", ["leadAgencyId"] = "x", ["completedBy"] = "mallory", ["completedAt"] = "2026-01-01T00:00:00Z" },
                };
                return new(_index++, "forged", "POST", "/events/action.completed", Encoding.UTF8.GetBytes(forged.ToJsonString()), "application/cloudevents+json", [], null);
            }
            case 2:
                return new(_index++, "forged", "GET", "/dapr/subscribe", null, null, [], null);
            default:
                return new(_index++, "forged", "POST", family == Family.ActionPlan ? "/actionplan.v1.ActionPlanQueries/GetAction" : "/risk.v1.RiskQueries/GetRisk",
                    [0, 0, 0, 0, 5, 0x0A, 0x03, (byte)'a', (byte)'b', (byte)'c'], "application/grpc", [new("Host", $"127.0.0.1:{(family == Family.ActionPlan ? _actionPlanGrpcPort : _riskGrpcPort)}")], null);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private string Bearer(string token) => "Bearer " + _tokens[token];

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>The token's header replaced by <c>{"alg":"none"}</c> and its signature dropped.</summary>
    private static string AlgNone(string token)
    {
        var parts = token.Split('.');
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{header}.{parts[1]}.";
    }

    /// <summary>The payload changed (the partnership manager made an admin of every partnership) without a new signature.
    /// Roles are per partnership (<c>medway:manager</c>); the payload must change, or the "tampered" token would be the
    /// valid manager token (as it was once roles gained their partnership prefix: 16 hostile writes were accepted).</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))));
        var changed = payload.Replace($"\"{P}:manager\"", "\"*:admin\"", StringComparison.Ordinal);
        if (changed == payload) throw new InvalidOperationException($"the tampered token would not differ from the token it tampers with: {payload}");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(changed)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{parts[0]}.{encoded}.{parts[2]}";
    }

    private static string Pad(string s) => s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
}
