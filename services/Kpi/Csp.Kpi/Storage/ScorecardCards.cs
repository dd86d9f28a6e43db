using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Csp.BuildingBlocks.Http;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Storage;

/// <summary>
/// A KPI's ready-to-serve scorecard entry, kept as two stored parts, each rewritten in the transaction of what decides it:
/// <list type="bullet">
/// <item>the <b>definition part</b> (code, title, counting, unit, polarity ... baseline), written with every version of
/// the definition (<see cref="KpiStore.SaveDefinitionAsync"/>), so it is always the current definition's;</item>
/// <item>the <b>measured part</b> (period shown, value, target, RAG and reason, the version judged against, both trends,
/// the sparkline), written with every write of the KPI's measurements (<see cref="KpiStore.SaveMeasurementsAsync"/>,
/// guarded by the series version), computed by the command from the rows it writes and those stored.</item>
/// </list>
/// Neither part depends on what the other's writer changes (a definition change never rewrites a past row: past RAGs keep
/// the definition they were judged against; unit and frequency never change), so two writers never race for one part.
/// The data lag is the only part that depends on the day: each part carries the few fields it needs (publication lag;
/// latest period, its end and the next period's end) and the read writes it.
/// <para>Each part is one string: a header line (format, then the fields the read needs), the member scorecard's JSON
/// fragment and the public page's, one per line (JSON as written by <see cref="ApiJson.Options"/> has no raw newline).
/// The fragments are cut from the very serialisation of <see cref="KpiCard"/> and <see cref="PublicKpiView"/> that built
/// the scorecard before, so a spliced scorecard is byte for byte the built one. A part in another format (or missing:
/// data written before parts existed) makes the read build that KPI from its rows.</para>
/// </summary>
public static class ScorecardCards
{
    public const string DefinitionFormat = "kd1";
    public const string MeasuredFormat = "km1";

    private static readonly byte[] NothingMeasured = Encoding.UTF8.GetBytes(MeasuredPart(null));

    /// <summary>The definition part of <paramref name="kpi"/>'s entry (the public fragment empty when it is unpublished).</summary>
    public static string DefinitionPart(KpiDefinition kpi)
    {
        var card = Scorecards.Card(kpi, null, [], new DataLag(null, null, false, null));
        var member = JsonSerializer.SerializeToUtf8Bytes(card, ApiJson.Options);
        var memberCut = Cut(member, "period", "dataLag");
        var publicFragment = "";
        if (kpi.Spec.Published)
        {
            var view = JsonSerializer.SerializeToUtf8Bytes(PublicKpiView.Of(card), ApiJson.Options);
            publicFragment = Encoding.UTF8.GetString(view, 0, Cut(view, "period", "latestPeriod").First);
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{DefinitionFormat}\t{kpi.Spec.PublicationLagDays}\t{(kpi.Spec.Published ? 1 : 0)}\t{kpi.Spec.PriorityId}\n{Encoding.UTF8.GetString(member, 0, memberCut.First)}\n{publicFragment}");
    }

    /// <summary>The measured part of an entry (null: nothing measured yet).</summary>
    public static string MeasuredPart(ScorecardEntry? entry)
    {
        var card = entry?.Card ?? Scorecards.Card(Placeholder, null, [], new DataLag(null, null, false, null));
        var member = JsonSerializer.SerializeToUtf8Bytes(card, ApiJson.Options);
        var view = JsonSerializer.SerializeToUtf8Bytes(PublicKpiView.Of(card), ApiJson.Options);
        var (m1, m2) = Cut(member, "period", "dataLag");
        var (p1, p2) = Cut(view, "period", "latestPeriod");
        var header = entry is { Latest: var latest }
            ? string.Create(CultureInfo.InvariantCulture, $"{MeasuredFormat}\t{ApiJson.Name(card.Rag)}\t{latest}\t{Day(latest.End)}\t{Day(latest.Next.End)}")
            : $"{MeasuredFormat}\t{ApiJson.Name(Rag.None)}\t\t\t";
        return $"{header}\n{Encoding.UTF8.GetString(member, m1, m2 - m1)}\n{Encoding.UTF8.GetString(view, p1, p2 - p1)}";
    }

    /// <summary>A stored definition part, or null when it is missing or in another format (build the KPI from its rows).</summary>
    public static DefinitionCard? ReadDefinition(byte[]? stored)
    {
        if (stored is null || !Lines(stored, DefinitionFormat, out var header, out var member, out var publicFragment)) return null;
        var fields = Encoding.ASCII.GetString(header).Split('\t');
        if (fields.Length != 4 || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var lag)) return null;
        return new DefinitionCard(fields[3], lag, fields[2] == "1", member, publicFragment);
    }

    /// <summary>A stored measured part; null when it is missing or in another format.</summary>
    public static MeasuredCard? ReadMeasured(byte[]? stored)
    {
        if (stored is null || !Lines(stored, MeasuredFormat, out var header, out var member, out var publicFragment)) return null;
        var fields = Encoding.ASCII.GetString(header).Split('\t');
        if (fields.Length != 5 || RagOf(fields[1]) is not { } rag) return null;
        if (fields[2].Length == 0) return new MeasuredCard(rag, null, null, null, member, publicFragment);
        if (!DateOnly.TryParseExact(fields[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || !DateOnly.TryParseExact(fields[4], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var nextEnd)) return null;
        return new MeasuredCard(rag, fields[2], end, nextEnd, member, publicFragment);
    }

    /// <summary>The measured part of a KPI defined in this format that has no measurement yet.</summary>
    public static MeasuredCard NothingMeasuredYet => ReadMeasured(NothingMeasured)!;

    /// <summary>
    /// The scorecard's JSON, spliced from the parts (each KPI's parts in code order): grouped by priority in id order, each
    /// group counting its RAGs (members) or leaving out its unpublished KPIs and then itself if empty (public). Nothing is
    /// deserialised; the fragments are copied and only the data lag is written.
    /// </summary>
    public static byte[] Splice(string partnershipId, DateOnly today, bool publishedOnly, IEnumerable<(DefinitionCard Definition, MeasuredCard Measured)> entries)
    {
        var groups = entries.Where(e => !publishedOnly || e.Definition.Published)
            .GroupBy(e => e.Definition.PriorityId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var entry = new ArrayBufferWriter<byte>(4 * 1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("partnershipId", partnershipId);
            if (!publishedOnly) json.WriteNull("asAt");
            json.WriteString("today", Day(today));
            json.WriteStartArray("priorities");
            foreach (var group in groups)
            {
                json.WriteStartObject();
                json.WriteString("priorityId", group.Key);
                if (!publishedOnly)
                {
                    json.WriteNumber("green", group.Count(e => e.Measured.Rag == Rag.Green));
                    json.WriteNumber("amber", group.Count(e => e.Measured.Rag == Rag.Amber));
                    json.WriteNumber("red", group.Count(e => e.Measured.Rag == Rag.Red));
                    json.WriteNumber("none", group.Count(e => e.Measured.Rag == Rag.None));
                }
                json.WriteStartArray("kpis");
                foreach (var (definition, measured) in group)
                {
                    entry.ResetWrittenCount();
                    entry.Write(publishedOnly ? definition.Public.Span : definition.Member.Span);
                    entry.Write(publishedOnly ? measured.Public.Span : measured.Member.Span);
                    WriteLag(entry, definition, measured, today, publishedOnly);
                    json.WriteRawValue(entry.WrittenSpan, skipInputValidation: true);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The entry's end: members' <c>,"dataLag":{...}}</c>, the public page's <c>,"latestPeriod":...,"late":...}</c>
    /// (<see cref="DataLag.Of"/>: next expected = the next period's end + the publication lag; late once today is past it).</summary>
    private static void WriteLag(ArrayBufferWriter<byte> to, DefinitionCard definition, MeasuredCard measured, DateOnly today, bool publishedOnly)
    {
        string text;
        if (measured.Latest is not { } latest) text = publishedOnly ? ",\"latestPeriod\":null,\"nextExpected\":null,\"late\":false}" : ",\"dataLag\":{\"latestPeriod\":null,\"nextExpected\":null,\"late\":false,\"ageDays\":null}}";
        else
        {
            var next = measured.NextEnd!.Value.AddDays(definition.PublicationLagDays);
            var late = today > next ? "true" : "false";
            text = publishedOnly
                ? $",\"latestPeriod\":\"{latest}\",\"nextExpected\":\"{Day(next)}\",\"late\":{late}}}"
                : string.Create(CultureInfo.InvariantCulture, $",\"dataLag\":{{\"latestPeriod\":\"{latest}\",\"nextExpected\":\"{Day(next)}\",\"late\":{late},\"ageDays\":{today.DayNumber - measured.LatestEnd!.Value.DayNumber}}}}}");
        }
        var span = to.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        to.Advance(written);
    }

    /// <summary>Where the top-level properties <paramref name="first"/> and <paramref name="second"/> start (at the comma before each).</summary>
    private static (int First, int Second) Cut(byte[] json, string first, string second)
    {
        var reader = new Utf8JsonReader(json);
        int a = -1, b = -1;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            if (reader.ValueTextEquals(first)) a = (int)reader.TokenStartIndex - 1;
            else if (reader.ValueTextEquals(second)) b = (int)reader.TokenStartIndex - 1;
        }
        if (a <= 0 || b <= a || json[a] != (byte)',' || json[b] != (byte)',')
            throw new InvalidOperationException($"A scorecard entry's JSON has no top-level '{first}' before '{second}'.");
        return (a, b);
    }

    private static bool Lines(byte[] stored, string format, out byte[] header, out ReadOnlyMemory<byte> member, out ReadOnlyMemory<byte> publicFragment)
    {
        (header, member, publicFragment) = ([], default, default);
        var first = Array.IndexOf(stored, (byte)'\n');
        if (first < 0) return false;
        var second = Array.IndexOf(stored, (byte)'\n', first + 1);
        if (second < 0) return false;
        var prefix = Encoding.ASCII.GetBytes(format + "\t");
        if (!stored.AsSpan().StartsWith(prefix)) return false;
        header = stored[..first];
        member = stored.AsMemory(first + 1, second - first - 1);
        publicFragment = stored.AsMemory(second + 1);
        return true;
    }

    private static Rag? RagOf(string name) => name switch
    {
        "green" => Rag.Green, "amber" => Rag.Amber, "red" => Rag.Red, "none" => Rag.None, _ => null,
    };

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Any definition: the measured part of "nothing measured" does not depend on it.</summary>
    private static KpiDefinition Placeholder => KpiDefinition.Create("p", "placeholder",
        new KpiSpec("t", "c", "p", "a", "s", 0, Unit.Count, null, Polarity.HigherIsBetter, Frequency.Monthly, null, null, null, false, false),
        "system", DateTimeOffset.UnixEpoch);
}

/// <summary>A stored definition part, read: what grouping and the data lag need, and the two fragments.</summary>
public sealed record DefinitionCard(string PriorityId, int PublicationLagDays, bool Published, ReadOnlyMemory<byte> Member, ReadOnlyMemory<byte> Public);

/// <summary>A stored measured part, read: the RAG (for the group's counts), the latest period with its end and the next
/// period's end (null: nothing measured), and the two fragments.</summary>
public sealed record MeasuredCard(Rag Rag, string? Latest, DateOnly? LatestEnd, DateOnly? NextEnd, ReadOnlyMemory<byte> Member, ReadOnlyMemory<byte> Public);
