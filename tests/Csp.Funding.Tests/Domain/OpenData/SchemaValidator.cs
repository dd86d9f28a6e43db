using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.References;
using NJsonSchema.Validation;
using NJsonSchema.Validation.FormatValidators;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>
/// Validates 360Giving packages against the copied 1.4.3 schemas (Schemas/360giving, JSON Schema Draft 2020-12) with
/// NJsonSchema, in process. NJsonSchema reads Draft 4-7 documents, so the schemas are loaded through a faithful
/// transform: <c>$defs</c> becomes <c>definitions</c> and <c>#/$defs/...</c> references become
/// <c>#/definitions/...</c>; nothing else changes, and a schema keyword this validator does not evaluate stops it
/// (<see cref="SupportedKeywords"/>) rather than being skipped. The package schema refers to the grant schema by its
/// 1.4.2 URL (the grant schema's own <c>$id</c> is the 1.4.3 one): both URLs resolve to the local grant file, and any
/// other URL is refused, so nothing is fetched from the network. Formats are asserted with strict validators
/// (<see cref="Rfc3339DateTime"/>, <see cref="AbsoluteUri"/>): NJsonSchema's own date-time check accepts a plain
/// <c>2024-05-01</c>, which would make every date match both branches of the schema's date <c>oneOf</c>.
/// JsonSchema.Net cannot be restored from this project's package mirror (its dependency JsonPointer.Net is missing),
/// and Python's jsonschema (4.18+, with referencing and rfc3339-validator) is not on a fresh machine.
/// </summary>
internal static partial class SchemaValidator
{
    public static string SchemaDirectory => Path.Combine(AppContext.BaseDirectory, "Schemas", "360giving");

    public const string GrantSchemaUrl = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json";

    /// <summary>The URL by which the 1.4.3 package schema refers to its grant schema.</summary>
    public const string GrantSchemaUrl142 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

    /// <summary>Every keyword in the copied schemas, each one evaluated by NJsonSchema or an annotation only.</summary>
    private static readonly HashSet<string> SupportedKeywords =
    [
        "$id", "$schema", "$ref", "$defs", "title", "description", // identification and annotations
        "codelist", "openCodelist", "rollUp",                       // 360Giving's own annotations
        "type", "properties", "required", "items", "minItems", "uniqueItems", "oneOf", "enum", "format", "pattern",
        "minimum",
    ];

    private static readonly Lazy<Task<JsonSchema>> PackageSchema = new(LoadPackageSchemaAsync);

    /// <summary>The schema errors for each document ("/json/pointer: message"); an empty list means valid.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> ErrorsAsync(params JsonNode[] documents)
    {
        var schema = await PackageSchema.Value;
        var validator = new JsonSchemaValidator(new JsonSchemaValidatorSettings
        {
            // Replaces NJsonSchema's defaults: several validators for one format pass if ANY of them does.
            FormatValidators = [new Rfc3339DateTime(), new AbsoluteUri()],
        });
        return documents.Select(d => (IReadOnlyList<string>)Errors(validator, schema, d)).ToList();
    }

    public static async Task<IReadOnlyList<string>> ErrorsAsync(JsonNode document) => (await ErrorsAsync([document]))[0];

    private static List<string> Errors(JsonSchemaValidator validator, JsonSchema schema, JsonNode document)
    {
        // Newtonsoft would otherwise turn ISO date strings into Date tokens, which pass any date-time check.
        using var reader = new JsonTextReader(new StringReader(document.ToJsonString())) { DateParseHandling = DateParseHandling.None };
        var token = JToken.ReadFrom(reader);
        return Flatten(validator.Validate(token, schema))
            .OrderBy(e => e, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// NJsonSchema nests the errors of an array item under the item; those are listed at their own place. A failed
    /// <c>oneOf</c>/<c>anyOf</c> is one error at the instance (as Python's jsonschema reports it).
    /// </summary>
    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && error.Kind is ValidationErrorKind.ArrayItemNotValid
                    or ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.NotAllOf)
            {
                foreach (var nested in Flatten(child.Errors.Values.SelectMany(e => e))) yield return nested;
            }
            else
            {
                yield return $"{Pointer(error)}: {Message(error)}";
            }
        }
    }

    private static string Message(ValidationError error)
    {
        var value = error.Token is JProperty p ? p.Value : error.Token;
        var shown = value?.ToString(Formatting.None) ?? "null";
        if (shown.Length > 80) shown = shown[..77] + "...";
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"'{error.Property}' is a required property",
            ValidationErrorKind.TooFewItems when schema.MinItems == 1 => $"{shown} should be non-empty",
            ValidationErrorKind.TooFewItems => $"{shown} is too short (minItems {schema.MinItems})",
            ValidationErrorKind.ItemsNotUnique => $"{shown} has non-unique elements",
            ValidationErrorKind.NotOneOf when error is ChildSchemaValidationError c && c.Errors.Values.Any(e => e.Count == 0)
                => $"{shown} is valid under more than one of the given schemas",
            ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf => $"{shown} is not valid under any of the given schemas",
            ValidationErrorKind.StringExpected => $"{shown} is not of type 'string'",
            ValidationErrorKind.NumberExpected => $"{shown} is not of type 'number'",
            ValidationErrorKind.IntegerExpected => $"{shown} is not of type 'integer'",
            ValidationErrorKind.BooleanExpected => $"{shown} is not of type 'boolean'",
            ValidationErrorKind.ObjectExpected => $"{shown} is not of type 'object'",
            ValidationErrorKind.ArrayExpected => $"{shown} is not of type 'array'",
            ValidationErrorKind.NullExpected => $"{shown} is not of type 'null'",
            ValidationErrorKind.NoTypeValidates => $"{shown} is not of type {TypeNames(schema.Type)}",
            ValidationErrorKind.NotInEnumeration => $"{shown} is not one of the values of the enum",
            ValidationErrorKind.PatternMismatch => $"{shown} does not match '{schema.Pattern}'",
            ValidationErrorKind.NumberTooSmall => $"{shown} is less than the minimum of {schema.Minimum ?? schema.ExclusiveMinimum}",
            ValidationErrorKind.NumberTooBig => $"{shown} is greater than the maximum of {schema.Maximum ?? schema.ExclusiveMaximum}",
            ValidationErrorKind.DateTimeExpected => $"{shown} is not a 'date-time'",
            ValidationErrorKind.UriExpected => $"{shown} is not a 'uri'",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"'{error.Property}' was unexpected",
            _ => $"{shown}: {error.Kind}",
        };
    }

    private static string TypeNames(JsonObjectType types) => string.Join(", ",
        Enum.GetValues<JsonObjectType>().Where(t => t != JsonObjectType.None && types.HasFlag(t))
            .Select(t => $"'{t.ToString().ToLowerInvariant()}'"));

    /// <summary>The JSON Pointer of the instance the error is about (a missing property: the object that lacks it).</summary>
    private static string Pointer(ValidationError error)
    {
        var token = error.Token is JProperty p ? p.Parent : error.Token;
        if (token is null) return "/" + (error.Path ?? "");
        var segments = new Stack<string>();
        var t = token;
        while (t.Parent is { } parent)
        {
            if (parent is JProperty property)
            {
                segments.Push(property.Name.Replace("~", "~0").Replace("/", "~1"));
                t = property.Parent;
                if (t is null) break;
            }
            else
            {
                if (parent is JArray array) segments.Push(array.IndexOf(t).ToString(CultureInfo.InvariantCulture));
                t = parent;
            }
        }
        return "/" + string.Join('/', segments);
    }

    private static async Task<JsonSchema> LoadPackageSchemaAsync()
    {
        var resolver = new LocalOnlyResolver();
        var grant = await JsonSchema.FromJsonAsync(
            Transform(Path.Combine(SchemaDirectory, "360-giving-schema.json")), GrantSchemaUrl, root => resolver.For(root));
        resolver.Add(GrantSchemaUrl, grant);
        resolver.Add(GrantSchemaUrl142, grant);
        return await JsonSchema.FromJsonAsync(
            Transform(Path.Combine(SchemaDirectory, "360-giving-package-schema.json")), null, root => resolver.For(root));
    }

    /// <summary>A 2020-12 schema file as NJsonSchema reads it: <c>$defs</c> as <c>definitions</c>, nothing else changed.</summary>
    private static string Transform(string file)
    {
        var schema = JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidDataException($"{file} is empty");
        TransformSchema(schema, file, "#");
        return schema.ToJsonString();
    }

    private static void TransformSchema(JsonNode node, string file, string at)
    {
        if (node is not JsonObject schema) throw new InvalidDataException($"{file} {at}: a schema must be an object");
        var unsupported = schema.Select(p => p.Key).Where(k => !SupportedKeywords.Contains(k)).ToList();
        if (unsupported.Count > 0)
            throw new NotSupportedException($"{file} {at}: keyword(s) {string.Join(", ", unsupported)} are not evaluated by this validator");

        if (schema["$ref"] is JsonValue reference)
        {
            var target = reference.GetValue<string>();
            if (target.StartsWith("#/$defs/", StringComparison.Ordinal)) schema["$ref"] = "#/definitions/" + target["#/$defs/".Length..];
        }
        foreach (var keyword in new[] { "$defs", "properties" })
        {
            if (schema[keyword] is not JsonObject children) continue;
            foreach (var (name, child) in children) TransformSchema(child!, file, $"{at}/{keyword}/{name}");
        }
        if (schema["items"] is { } items) TransformSchema(items, file, at + "/items");
        if (schema["oneOf"] is JsonArray branches)
            for (var i = 0; i < branches.Count; i++) TransformSchema(branches[i]!, file, $"{at}/oneOf/{i}");

        if (schema["$defs"] is { } defs)
        {
            schema.Remove("$defs");
            schema["definitions"] = defs;
        }
    }

    /// <summary>Resolves the grant schema's URLs to the local file; refuses every other URL, so nothing is downloaded.</summary>
    private sealed class LocalOnlyResolver
    {
        private readonly Dictionary<string, JsonSchema> _documents = new(StringComparer.Ordinal);

        public void Add(string url, JsonSchema schema) => _documents[url] = schema;

        public JsonReferenceResolver For(JsonSchema root)
        {
            var resolver = new Refusing(new JsonSchemaAppender(root, new DefaultTypeNameGenerator()));
            foreach (var (url, schema) in _documents) resolver.AddDocumentReference(url, schema);
            return resolver;
        }

        private sealed class Refusing(JsonSchemaAppender appender) : JsonReferenceResolver(appender)
        {
            public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
                throw new InvalidOperationException($"{url} is not one of the local 360Giving schemas; it is not fetched");

            public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
                throw new InvalidOperationException($"{filePath} is not one of the local 360Giving schemas; it is not read");
        }
    }

    /// <summary>
    /// RFC 3339 <c>date-time</c> (what JSON Schema's format means): full date, <c>T</c>, full time with seconds and an
    /// offset, each field in range. <c>2024-05-01</c> and <c>06/02/2020</c> are not date-times.
    /// </summary>
    internal sealed partial class Rfc3339DateTime : IFormatValidator
    {
        public string Format => JsonFormatStrings.DateTime;

        public ValidationErrorKind ValidationErrorKind => ValidationErrorKind.DateTimeExpected;

        public bool IsValid(string value, JTokenType tokenType)
        {
            var m = Shape().Match(value);
            if (!m.Success) return false;
            int Int(string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
            var (year, month, day) = (Int("y"), Int("mo"), Int("d"));
            if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
            if (Int("h") > 23 || Int("mi") > 59 || Int("s") > 60) return false; // 60: a leap second
            return !m.Groups["oh"].Success || (Int("oh") <= 23 && Int("om") <= 59);
        }

        [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[Tt](?<h>[0-9]{2}):(?<mi>[0-9]{2}):(?<s>[0-9]{2})(\.[0-9]+)?([Zz]|[+-](?<oh>[0-9]{2}):(?<om>[0-9]{2}))$")]
        private static partial Regex Shape();
    }

    /// <summary>
    /// <c>uri</c>: an absolute URI with a scheme (RFC 3986). Stricter than <see cref="Uri.TryCreate(string, UriKind, out Uri)"/>
    /// alone, which on Linux takes <c>/a/path</c> for an absolute file URI.
    /// </summary>
    internal sealed partial class AbsoluteUri : IFormatValidator
    {
        public string Format => JsonFormatStrings.Uri;

        public ValidationErrorKind ValidationErrorKind => ValidationErrorKind.UriExpected;

        public bool IsValid(string value, JTokenType tokenType) =>
            Scheme().IsMatch(value) && !value.Any(char.IsWhiteSpace) && Uri.TryCreate(value, UriKind.Absolute, out _);

        [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
        private static partial Regex Scheme();
    }
}
