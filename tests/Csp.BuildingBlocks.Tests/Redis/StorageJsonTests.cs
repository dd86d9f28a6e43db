using System.Text.Json;
using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;

namespace Csp.BuildingBlocks.Tests.Redis;

public enum StoredStatus { NotStarted, OnTrack, Completed }

/// <summary>An aggregate as services write them: state changes only through its methods, so every setter is private.</summary>
public sealed record StoredAggregate
{
    public string Title { get; private init; } = "";
    public StoredStatus Status { get; private init; }
    public int Version { get; private set; }
    public DateOnly? DueDate { get; private init; }
    public IReadOnlyList<string> Tags { get; private init; } = [];

    public static StoredAggregate Create(string title, StoredStatus status, DateOnly? due, params string[] tags) =>
        new() { Title = title, Status = status, DueDate = due, Tags = tags };

    public void Touch() => Version++;

    public bool Equivalent(StoredAggregate other) =>
        Title == other.Title && Status == other.Status && Version == other.Version && DueDate == other.DueDate && Tags.SequenceEqual(other.Tags);
}

public sealed class StorageJsonTests
{
    [Fact]
    public void An_aggregate_with_private_setters_round_trips()
    {
        var aggregate = StoredAggregate.Create("Street lighting audit", StoredStatus.OnTrack, new DateOnly(2026, 3, 31), "lighting", "asb");
        aggregate.Touch();

        var read = StorageJson.Deserialize<StoredAggregate>(StorageJson.Serialize(aggregate));

        Assert.True(aggregate.Equivalent(read), StorageJson.Serialize(read));
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public void The_stored_format_is_camel_case_with_kebab_case_enum_names()
    {
        var json = StorageJson.Serialize(StoredAggregate.Create("Audit", StoredStatus.NotStarted, new DateOnly(2026, 3, 31)));

        Assert.Equal("""{"title":"Audit","status":"not-started","version":0,"dueDate":"2026-03-31","tags":[]}""", json);
    }

    [Fact]
    public void Documents_stored_before_are_still_read()
    {
        var read = StorageJson.Deserialize<StoredAggregate>("""{"title":"Audit","status":"on-track","version":4,"dueDate":null,"tags":["asb"]}""");

        Assert.Equal("Audit", read.Title);
        Assert.Equal(StoredStatus.OnTrack, read.Status);
        Assert.Null(read.DueDate);
        Assert.Equal(4, read.Version);
        Assert.Equal(["asb"], read.Tags);
    }

    [Fact]
    public void An_empty_document_is_an_error_not_a_null()
    {
        Assert.Throws<JsonException>(() => StorageJson.Deserialize<StoredAggregate>("null"));
    }

    [Fact]
    public void The_storage_settings_are_their_own_and_cannot_be_changed()
    {
        Assert.NotSame(ApiJson.Options, StorageJson.Options);
        Assert.True(StorageJson.Options.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => StorageJson.Options.Converters.Add(new JsonStringEnumConverter()));
        Assert.Throws<InvalidOperationException>(() => StorageJson.Options.PropertyNamingPolicy = null);
        Assert.DoesNotContain(StorageJson.Options.Converters, ApiJson.Options.Converters.Contains);
    }

    [Fact]
    public void The_api_settings_do_not_write_through_private_setters()
    {
        // What makes StorageJson necessary: the API's JSON binds public shapes only, so an aggregate read with it would
        // silently lose its state.
        var json = StorageJson.Serialize(StoredAggregate.Create("Audit", StoredStatus.Completed, null));

        var viaApi = JsonSerializer.Deserialize<StoredAggregate>(json, ApiJson.Options)!;

        Assert.Equal("", viaApi.Title);
        Assert.Equal("Audit", StorageJson.Deserialize<StoredAggregate>(json).Title);
    }
}
