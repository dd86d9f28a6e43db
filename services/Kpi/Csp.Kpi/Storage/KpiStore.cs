using System.Globalization;
using System.Text;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Kpi.Domain;
using StackExchange.Redis;

namespace Csp.Kpi.Storage;

/// <summary>One KPI's part of a write of measurements: its series (at the version read), the measurements it appends and
/// the scorecard rows it (re)writes, and its scorecard entry after the write (the measured part, <see cref="ScorecardCards"/>).</summary>
public sealed record SeriesWrite(KpiSeries Series, long ExpectedVersion, IReadOnlyList<Measurement> Measurements, IReadOnlyList<ScoreRow> Rows,
    ScorecardEntry? Entry = null);

/// <summary>
/// Redis storage for KPIs. Keys (all under the partnership's hash tag <c>kpi:{p}</c>): the definition <c>def:{code}</c>
/// (versioned document) with every version in <c>def:{code}:versions</c> (hash version → definition) and the index
/// <c>defs</c> (sorted set of codes); per KPI the series <c>series:{code}</c> (versioned: guards every write of its
/// measurements), every measurement ever recorded <c>m:{code}:log</c> (a list, oldest first, never rewritten), the current
/// measurement per period <c>m:{code}:current</c> (hash period → measurement) and the scorecard rows <c>card:{code}</c>
/// (hash period → row: value, RAG, trends) with their values alone in <c>vals:{code}</c> (for sparklines). Derived KPIs keep their inputs in <c>derived:actions</c> and
/// <c>derived:risks</c>; demo data its loaded references in <c>seed-refs</c>. Every write of definitions or measurements
/// Each KPI's ready-to-serve scorecard entry is kept in two parts (<see cref="ScorecardCards"/>): the definition part in
/// <c>entries:def</c> (hash code → part), written with each version of the definition, and the measured part in
/// <c>entries:measured</c>, written with each write of its measurements. Every write of definitions or measurements
/// also sets <c>scorecard-stamp</c> to a new random value in its transaction, so a copy of a scorecard built at one stamp
/// is known to be current while the stamp is unchanged. The partnerships with KPIs are
/// <c>kpi:partnerships</c> (another slot, written first). It stores what the commands give it; it decides no rule and no event.
/// </summary>
public sealed class KpiStore(AggregateWriter writer, RedisKeys keys, AuditLog audit)
{
    private IDatabase Db => writer.Database;

    public async Task<IReadOnlyList<string>> ListPartnershipsAsync() =>
        (await Db.SetMembersAsync(keys.Global("partnerships"))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    // Definitions
    public Task<Versioned<KpiDefinition>?> GetDefinitionAsync(string partnershipId, string code) => writer.ReadAsync<KpiDefinition>(DefKey(partnershipId, code));

    public async Task<IReadOnlyList<Versioned<KpiDefinition>>> ListDefinitionsAsync(string partnershipId) =>
        await GetDefinitionsAsync(partnershipId, await ListCodesAsync(partnershipId));

    /// <summary>The codes of the partnership's KPIs, in code order.</summary>
    public async Task<IReadOnlyList<string>> ListCodesAsync(string partnershipId) =>
        (await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "defs"))).Select(c => (string)c!).ToList();

    /// <summary>The current definitions of these codes, in one round trip (missing ones left out).</summary>
    public Task<IReadOnlyList<Versioned<KpiDefinition>>> GetDefinitionsAsync(string partnershipId, IEnumerable<string> codes) =>
        writer.ReadManyAsync<KpiDefinition>(codes.Select(c => DefKey(partnershipId, c)));

    /// <summary>One version of a definition as it was (what a past RAG was judged against).</summary>
    public async Task<KpiDefinition?> GetDefinitionVersionAsync(string partnershipId, string code, int version)
    {
        var json = await Db.HashGetAsync(VersionsKey(partnershipId, code), version);
        return json.IsNull ? null : StorageJson.Deserialize<KpiDefinition>((string)json!);
    }

    public async Task<IReadOnlyList<KpiDefinition>> GetDefinitionVersionsAsync(string partnershipId, string code) =>
        (await Db.HashGetAllAsync(VersionsKey(partnershipId, code))).Select(e => StorageJson.Deserialize<KpiDefinition>((string)e.Value!))
            .OrderBy(d => d.Version).ToList();

    /// <param name="seedRef">Demo data: nothing is written if this reference has been loaded already.</param>
    public async Task<long?> SaveDefinitionAsync(KpiDefinition kpi, long expectedVersion, AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events,
        string? seedRef = null, IdempotentReply? reply = null)
    {
        if (expectedVersion == 0) await RegisterPartnershipAsync(kpi.PartnershipId);
        return await writer.SaveAsync(kpi.PartnershipId, DefKey(kpi.PartnershipId, kpi.Code), kpi, expectedVersion, auditEntry, events, tx =>
        {
            tx.SortedSetAdd(keys.For(kpi.PartnershipId, "defs"), kpi.Code, 0);
            tx.HashSet(VersionsKey(kpi.PartnershipId, kpi.Code), kpi.Version, StorageJson.Serialize(kpi));
            WriteDefinitionPart(tx, kpi, created: expectedVersion == 0);
            Restamp(tx, kpi.PartnershipId);
            SeedRef(tx, kpi.PartnershipId, seedRef);
        }, reply);
    }

    // Measurements
    public async Task<Versioned<KpiSeries>> GetSeriesAsync(string partnershipId, string code) =>
        await writer.ReadAsync<KpiSeries>(SeriesKey(partnershipId, code)) ?? new Versioned<KpiSeries>(KpiSeries.Empty(code), 0);

    /// <summary>The current measurement of each period asked for (missing periods left out), in one round trip.</summary>
    public async Task<IReadOnlyDictionary<Period, Measurement>> GetCurrentAsync(string partnershipId, string code, IEnumerable<Period> periods)
    {
        var asked = periods.Distinct().ToArray();
        if (asked.Length == 0) return new Dictionary<Period, Measurement>();
        var values = await Db.HashGetAsync(CurrentKey(partnershipId, code), asked.Select(p => (RedisValue)Field(p)).ToArray());
        var found = new Dictionary<Period, Measurement>();
        for (var i = 0; i < asked.Length; i++)
            if (!values[i].IsNull) found[asked[i]] = StorageJson.Deserialize<Measurement>((string)values[i]!);
        return found;
    }

    public async Task<ScoreRow?> GetRowAsync(string partnershipId, string code, Period period)
    {
        var json = await Db.HashGetAsync(CardKey(partnershipId, code), Field(period));
        return json.IsNull ? null : StorageJson.Deserialize<ScoreRow>((string)json!);
    }

    /// <summary>A page of a KPI's measurements, newest first (revisions included), and how many there are.</summary>
    public async Task<(IReadOnlyList<Measurement> Items, long Total)> GetMeasurementsAsync(string partnershipId, string code, int skip, int take)
    {
        var key = LogKey(partnershipId, code);
        var batch = Db.CreateBatch();
        var page = batch.ListRangeAsync(key, -skip - take, -skip - 1);
        var total = batch.ListLengthAsync(key);
        batch.Execute();
        var items = (await page).Select(v => StorageJson.Deserialize<Measurement>((string)v!)).Reverse().ToList();
        var count = await total;
        // LRANGE clamps a start before the list's head: drop what belongs to the next page.
        return (skip >= count ? [] : items.Take((int)Math.Min(take, count - skip)).ToList(), count);
    }

    /// <summary>
    /// For a scorecard, in one round trip per KPI set: each KPI's values in its window (a small hash of period → value,
    /// for the sparkline) and the full row of the window's newest period. A KPI whose newest period has no row (a gap
    /// at the asked period) gets the row of its newest period with a value, in a second round trip for those only.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ScorecardSlice>> GetSlicesAsync(string partnershipId, IReadOnlyDictionary<string, IReadOnlyList<Period>> windows)
    {
        var batch = Db.CreateBatch();
        var reads = windows.Where(w => w.Value.Count > 0).Select(w => (Code: w.Key, Periods: w.Value,
            Values: batch.HashGetAsync(ValuesKey(partnershipId, w.Key), w.Value.Select(p => (RedisValue)Field(p)).ToArray()),
            Newest: batch.HashGetAsync(CardKey(partnershipId, w.Key), Field(w.Value[^1])))).ToList();
        batch.Execute();
        var slices = new Dictionary<string, ScorecardSlice>(StringComparer.Ordinal);
        var gaps = new List<(string Code, Period Period, Dictionary<Period, decimal> Values)>();
        foreach (var (code, periods, valuesRead, newestRead) in reads)
        {
            var stored = await valuesRead;
            var values = new Dictionary<Period, decimal>();
            for (var i = 0; i < periods.Count; i++)
                if (!stored[i].IsNull) values[periods[i]] = decimal.Parse((string)stored[i]!, CultureInfo.InvariantCulture);
            var newest = await newestRead;
            if (!newest.IsNull) slices[code] = new ScorecardSlice(StorageJson.Deserialize<ScoreRow>((string)newest!), values);
            else if (values.Count > 0) gaps.Add((code, values.Keys.Max(), values));
            else slices[code] = new ScorecardSlice(null, values);
        }
        if (gaps.Count > 0)
        {
            var second = Db.CreateBatch();
            var rowReads = gaps.Select(g => (g.Code, g.Values, Read: second.HashGetAsync(CardKey(partnershipId, g.Code), Field(g.Period)))).ToList();
            second.Execute();
            foreach (var (code, values, read) in rowReads)
                slices[code] = new ScorecardSlice((await read) is { IsNull: false } json ? StorageJson.Deserialize<ScoreRow>((string)json!) : null, values);
        }
        return slices;
    }

    public async Task<IReadOnlyDictionary<string, Versioned<KpiSeries>>> GetAllSeriesAsync(string partnershipId, IEnumerable<string> codes)
    {
        var found = await writer.ReadManyAsync<KpiSeries>(codes.Select(c => SeriesKey(partnershipId, c)));
        return found.ToDictionary(s => s.Value.Code, StringComparer.Ordinal);
    }

    /// <summary>
    /// Stores measurements of one or more KPIs in ONE transaction, all or nothing: for each KPI its series (only if still
    /// at the version read), its new measurements appended to its log and made current for their periods, and its
    /// scorecard rows; with the events, one audit entry and the idempotency reply. Null when any series had moved on (or
    /// the demo reference was loaded): nothing was written.
    /// </summary>
    /// <param name="inputs">Derived values: the kind and counter of the inputs they were computed from; nothing is written if it moved.</param>
    public async Task<long?> SaveMeasurementsAsync(string partnershipId, IReadOnlyList<SeriesWrite> writes, AuditEntry auditEntry,
        IReadOnlyCollection<PendingEvent> events, string? seedRef = null, IdempotentReply? reply = null, (string Kind, long Version)? inputs = null)
    {
        if (writes.Count == 0) throw new ArgumentException("nothing to write", nameof(writes));
        await RegisterPartnershipAsync(partnershipId);
        var first = writes[0];
        return await writer.SaveAsync(partnershipId, SeriesKey(partnershipId, first.Series.Code), first.Series, first.ExpectedVersion, auditEntry, events, tx =>
        {
            foreach (var w in writes.Skip(1)) VersionedDocument.Write(tx, SeriesKey(partnershipId, w.Series.Code), w.Series, w.ExpectedVersion);
            foreach (var w in writes)
            {
                var code = w.Series.Code;
                if (w.Measurements.Count > 0)
                {
                    tx.ListRightPush(LogKey(partnershipId, code), w.Measurements.Select(m => (RedisValue)StorageJson.Serialize(m)).ToArray());
                    tx.HashSet(CurrentKey(partnershipId, code), w.Measurements.Select(m => new HashEntry(Field(m.Period), StorageJson.Serialize(m))).ToArray());
                }
                if (w.Rows.Count > 0)
                {
                    tx.HashSet(CardKey(partnershipId, code), w.Rows.Select(r => new HashEntry(Field(r.Period), StorageJson.Serialize(r))).ToArray());
                    tx.HashSet(ValuesKey(partnershipId, code), w.Rows.Select(r => new HashEntry(Field(r.Period), r.Value.ToString(CultureInfo.InvariantCulture))).ToArray());
                }
                if (w.Entry is { } entry) WriteMeasuredPart(tx, partnershipId, code, entry);
            }
            Restamp(tx, partnershipId);
            SeedRef(tx, partnershipId, seedRef);
            if (inputs is { } i)
                tx.AddCondition(i.Version == 0 ? WriteCondition.KeyNotExists(InputsVersionKey(partnershipId, i.Kind)) : WriteCondition.StringEqual(InputsVersionKey(partnershipId, i.Kind), i.Version));
        }, reply);
    }

    // Derived KPIs' inputs: what the other services' events said about each action and risk, and a counter that every
    // change of them raises, so a write of derived values computed from an older set of inputs is refused.
    /// <summary>All inputs of a kind and their counter, read together (one MULTI).</summary>
    public async Task<(IReadOnlyDictionary<string, string> Inputs, long Version)> GetDerivedInputsAsync(string partnershipId, string kind)
    {
        var tx = Db.CreateTransaction();
        var all = tx.HashGetAllAsync(InputsKey(partnershipId, kind));
        var version = tx.StringGetAsync(InputsVersionKey(partnershipId, kind));
        await tx.ExecuteAsync();
        return ((await all).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal), (long?)await version ?? 0);
    }

    /// <summary>Sets one input (an action's or a risk's latest state) and raises the counter. Written before the derived
    /// values are recomputed from all inputs: a redelivered event finds it set already. Returns the raised counter.</summary>
    public async Task<long> SetDerivedInputAsync(string partnershipId, string kind, string id, string json)
    {
        var tx = Db.CreateTransaction();
        _ = tx.HashSetAsync(InputsKey(partnershipId, kind), id, json);
        var version = tx.StringIncrementAsync(InputsVersionKey(partnershipId, kind));
        await tx.ExecuteAsync();
        return await version;
    }

    /// <summary>The partnership's scorecard stamp: changed by every write that can change a scorecard (see the class
    /// summary); null before the first such write. Random, not a counter, so a store emptied and written again never
    /// repeats a stamp a cached copy was built at.</summary>
    public async Task<string?> GetScorecardStampAsync(string partnershipId) => (string?)await Db.StringGetAsync(keys.For(partnershipId, "scorecard-stamp"));

    /// <summary>The definition part of the KPI's scorecard entry; a KPI just created has nothing measured yet, and says so
    /// in its measured part (a KPI with no measured part was written before parts existed, and is built from its rows).</summary>
    private void WriteDefinitionPart(RedisWrite tx, KpiDefinition kpi, bool created)
    {
        tx.HashSet(EntryDefinitionsKey(kpi.PartnershipId), kpi.Code, ScorecardCards.DefinitionPart(kpi));
        if (created) tx.HashSet(EntryMeasuredKey(kpi.PartnershipId), kpi.Code, ScorecardCards.MeasuredPart(null));
    }

    private void WriteMeasuredPart(RedisWrite tx, string partnershipId, string code, ScorecardEntry entry) =>
        tx.HashSet(EntryMeasuredKey(partnershipId), code, ScorecardCards.MeasuredPart(entry));

    /// <summary>
    /// What a KPI's scorecard entry is made of besides the rows being written: the stored row of <paramref name="latest"/>
    /// and the stored values of the sparkline's window (one round trip).
    /// </summary>
    public async Task<(ScoreRow? Latest, IReadOnlyDictionary<Period, decimal> Values)> GetEntryInputsAsync(string partnershipId, string code, Period latest, IReadOnlyList<Period> window)
    {
        var batch = Db.CreateBatch();
        var valuesRead = batch.HashGetAsync(ValuesKey(partnershipId, code), window.Select(p => (RedisValue)Field(p)).ToArray());
        var rowRead = batch.HashGetAsync(CardKey(partnershipId, code), Field(latest));
        batch.Execute();
        var stored = await valuesRead;
        var values = new Dictionary<Period, decimal>();
        for (var i = 0; i < window.Count; i++)
            if (!stored[i].IsNull) values[window[i]] = decimal.Parse((string)stored[i]!, CultureInfo.InvariantCulture);
        var row = await rowRead;
        return (row.IsNull ? null : StorageJson.Deserialize<ScoreRow>((string)row!), values);
    }

    /// <summary>
    /// Every KPI's code (in code order) with its stored scorecard entry parts as stored (null where missing): one round
    /// trip for members (codes, definition parts, measured parts); two for the public page, whose measured parts are read
    /// for published KPIs only.
    /// </summary>
    public async Task<IReadOnlyList<(string Code, byte[]? Definition, byte[]? Measured)>> GetEntriesAsync(string partnershipId, bool publishedOnly)
    {
        var batch = Db.CreateBatch();
        var codesRead = batch.SortedSetRangeByRankAsync(keys.For(partnershipId, "defs"));
        var definitionsRead = batch.HashGetAllAsync(EntryDefinitionsKey(partnershipId));
        var measuredRead = publishedOnly ? null : batch.HashGetAllAsync(EntryMeasuredKey(partnershipId));
        batch.Execute();
        var codes = (await codesRead).Select(c => (string)c!).ToList();
        var definitions = (await definitionsRead).ToDictionary(e => (string)e.Name!, e => (byte[]?)e.Value, StringComparer.Ordinal);
        Dictionary<string, byte[]?> measured;
        if (measuredRead is not null) measured = (await measuredRead).ToDictionary(e => (string)e.Name!, e => (byte[]?)e.Value, StringComparer.Ordinal);
        else
        {
            // The public page: only KPIs whose definition part says published (or cannot say: built from rows, which checks).
            var wanted = codes.Where(c => ScorecardCards.ReadDefinition(definitions.GetValueOrDefault(c)) is not { Published: false }).ToArray();
            var values = wanted.Length == 0 ? [] : await Db.HashGetAsync(EntryMeasuredKey(partnershipId), wanted.Select(c => (RedisValue)c).ToArray());
            measured = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
            for (var i = 0; i < wanted.Length; i++) measured[wanted[i]] = (byte[]?)values[i];
        }
        return codes.Select(c => (c, definitions.GetValueOrDefault(c), measured.GetValueOrDefault(c))).ToList();
    }

    private void Restamp(RedisWrite tx, string partnershipId) =>
        tx.StringSet(keys.For(partnershipId, "scorecard-stamp"), Guid.NewGuid().ToString("N"));

    public async Task<bool> IsSeededAsync(string partnershipId, string seedRef) => await Db.HashExistsAsync(SeedRefsKey(partnershipId), seedRef);

    public Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string partnershipId, string code) => audit.ReadEntityAsync(Db, partnershipId, "kpi", code);

    private void SeedRef(RedisWrite tx, string partnershipId, string? seedRef)
    {
        if (seedRef is null) return;
        tx.AddCondition(WriteCondition.HashNotExists(SeedRefsKey(partnershipId), seedRef));
        tx.HashSet(SeedRefsKey(partnershipId), seedRef, "1");
    }

    /// <summary>The list of partnerships with KPIs lives outside any partnership's slot: written first (adding twice is
    /// harmless); readers skip a partnership whose first write did not commit.</summary>
    private Task RegisterPartnershipAsync(string partnershipId) => Db.SetAddAsync(keys.Global("partnerships"), partnershipId);

    /// <summary>The hash field of a period: its written form (one KPI has one frequency).</summary>
    private static string Field(Period p) => p.ToString();
    private string DefKey(string p, string code) => keys.For(p, "def", code);
    private string VersionsKey(string p, string code) => $"{DefKey(p, code)}:versions";
    private string SeriesKey(string p, string code) => keys.For(p, "series", code);
    private string LogKey(string p, string code) => keys.For(p, "m", code) + ":log";
    private string CurrentKey(string p, string code) => keys.For(p, "m", code) + ":current";
    private string CardKey(string p, string code) => keys.For(p, "card", code);
    private string ValuesKey(string p, string code) => keys.For(p, "vals", code);
    private string SeedRefsKey(string p) => keys.For(p, "seed-refs");
    private string EntryDefinitionsKey(string p) => keys.For(p, "entries", "def");
    private string EntryMeasuredKey(string p) => keys.For(p, "entries", "measured");
    private string InputsKey(string p, string kind) => keys.For(p, "derived", kind);
    private string InputsVersionKey(string p, string kind) => keys.For(p, "derived", kind) + ":version";
}

/// <summary>The scorecard's reads: the codes, then definitions and series together, then each KPI's window of values with
/// its newest row: three round trips (a fourth for KPIs with a gap at the asked period), 2 + 3 reads per KPI, whatever the
/// history's length.</summary>
public static class ScorecardReads
{
    /// <param name="publishedOnly">The public page: unpublished KPIs are left out before any of their rows is read.</param>
    public static async Task<Scorecard> ReadScorecardAsync(this KpiStore store, string partnershipId, Period? asked, DateOnly today, bool publishedOnly = false) =>
        (await store.BuildFromRowsAsync(partnershipId, asked, today, publishedOnly, await store.ListCodesAsync(partnershipId))).Scorecard;

    /// <summary>The scorecard of these KPIs built from their rows (as before entries were kept), with what it was built from.</summary>
    private static async Task<(Scorecard Scorecard, IReadOnlyList<KpiDefinition> Kpis, IReadOnlyDictionary<string, KpiSeries> Series)> BuildFromRowsAsync(
        this KpiStore store, string partnershipId, Period? asked, DateOnly today, bool publishedOnly, IReadOnlyList<string> codes)
    {
        // Definitions and series together (two pipelined batches: one round trip); an unpublished KPI's series is read
        // but never used on the public page, its rows are not read at all.
        var definitionsRead = store.GetDefinitionsAsync(partnershipId, codes);
        var seriesRead = store.GetAllSeriesAsync(partnershipId, codes);
        var kpis = (await definitionsRead).Select(d => d.Value).Where(k => !publishedOnly || k.Spec.Published).ToList();
        var series = (await seriesRead).ToDictionary(e => e.Key, e => e.Value.Value, StringComparer.Ordinal);
        var windows = kpis.ToDictionary(k => k.Code, k => Scorecards.Window(k, series.GetValueOrDefault(k.Code), asked), StringComparer.Ordinal);
        var slices = await store.GetSlicesAsync(partnershipId, windows);
        return (Scorecards.Build(partnershipId, asked, today, kpis, series, slices), kpis, series);
    }

    /// <summary>
    /// The current scorecard's JSON (members' or public), spliced from each KPI's stored entry parts
    /// (<see cref="ScorecardCards"/>): one round trip (two for the public page) and no deserialising, whatever the number of
    /// KPIs. A KPI whose parts are missing or in another format (written before parts existed) is built from its rows, as
    /// every KPI was before, in the same format, so the body is the same either way.
    /// </summary>
    public static async Task<byte[]> ReadScorecardJsonAsync(this KpiStore store, string partnershipId, DateOnly today, bool publishedOnly)
    {
        var stored = await store.GetEntriesAsync(partnershipId, publishedOnly);
        var entries = new Dictionary<string, (DefinitionCard Definition, MeasuredCard Measured)>(StringComparer.Ordinal);
        var unready = new List<string>();
        foreach (var (code, definitionPart, measuredPart) in stored)
        {
            var definition = ScorecardCards.ReadDefinition(definitionPart);
            if (publishedOnly && definition is { Published: false }) continue;
            if (definition is not null && ScorecardCards.ReadMeasured(measuredPart) is { } measured) entries[code] = (definition, measured);
            else unready.Add(code);
        }
        if (unready.Count > 0)
        {
            var (built, kpis, series) = await store.BuildFromRowsAsync(partnershipId, null, today, publishedOnly, unready);
            var cards = built.Priorities.SelectMany(g => g.Kpis).ToDictionary(c => c.Code, StringComparer.Ordinal);
            foreach (var kpi in kpis)
            {
                var card = cards[kpi.Code];
                var latest = series.GetValueOrDefault(kpi.Code)?.LatestPeriod;
                var measured = latest is { } l ? new ScorecardEntry(card, l) : null;
                entries[kpi.Code] = (ScorecardCards.ReadDefinition(Encoding.UTF8.GetBytes(ScorecardCards.DefinitionPart(kpi)))!,
                    ScorecardCards.ReadMeasured(Encoding.UTF8.GetBytes(ScorecardCards.MeasuredPart(measured)))!);
            }
        }
        return ScorecardCards.Splice(partnershipId, today, publishedOnly,
            stored.Where(s => entries.ContainsKey(s.Code)).Select(s => entries[s.Code]));
    }
}
