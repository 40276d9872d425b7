using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Goals;

/// <summary>
/// An action item read from a file, before it is checked against the pair. <paramref name="Assignee"/> is a name (Trello's
/// member, Asana's "Assignee"); <paramref name="AssigneeEmail"/> is Asana's "Assignee Email".
/// </summary>
public sealed record ImportedItem(string Title, string? Notes, string? Assignee, DateOnly? DueOn, ActionItemState State, string? AssigneeEmail = null);

/// <summary>A milestone read from a file (a Trello checklist item).</summary>
public sealed record ImportedMilestone(string Title, DateOnly? DueOn, bool Done);

public sealed record ImportedBoard(IReadOnlyList<ImportedItem> Items, IReadOnlyList<ImportedMilestone> Milestones, IReadOnlyList<string> Problems);

/// <summary>
/// Reads and writes action items in the formats people bring (docs/formats.md, "Goals: Trello and Asana"): a Trello
/// board's JSON export and Asana's CSV import columns. Pure, no database: every problem in the file is collected, and
/// a file with any problem imports nothing.
/// </summary>
public static class ActionItemFiles
{
    public const string Trello = "trello";
    public const string Asana = "asana";

    /// <summary>The Asana CSV columns Tandem reads (Asana's documented import columns, and the names its own export uses); others are ignored.</summary>
    public static readonly string[] AsanaColumns = ["Name", "Description", "Notes", "Section/Column", "Section", "Assignee", "Assignee Email", "Due Date", "Completed At"];

    /// <summary>The column a Trello list or an Asana section names, by its usual names; null for another name.</summary>
    public static ActionItemState? Column(string? name) => Normalise(name) switch
    {
        "todo" or "tasks" or "backlog" or "notstarted" => ActionItemState.ToDo,
        "doing" or "inprogress" or "started" or "working" => ActionItemState.Doing,
        "done" or "complete" or "completed" or "finished" => ActionItemState.Done,
        _ => null,
    };

    private static string Normalise(string? name) =>
        new((name ?? "").Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    /// <summary>
    /// A Trello board export: <c>cards</c> (name, desc, due, idList, closed, dueComplete, idMembers), <c>lists</c> (id, name,
    /// closed), <c>checklists</c> (checkItems with name, state complete/incomplete, due) and <c>members</c> (id, fullName).
    /// A card goes to the column its list is named after ("To Do", "Doing", "Done"); in a list of another name, an archived
    /// (closed) or due-complete card is done and any other is to do. Checklist items become the goal's milestones.
    /// </summary>
    public static ImportedBoard ReadTrello(string json)
    {
        var problems = new List<string>();
        JsonNode? root;
        try
        {
            // Duplicate names are refused while parsing: a JsonObject built over them throws ArgumentException when first read.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException e) when (e.LineNumber is null)
        {
            // Well-formed, but an object names a field twice (the parser's one error without a position): Trello never writes that.
            return new ImportedBoard([], [], ["This JSON is not a Trello board export: an object in it names the same field twice."]);
        }
        catch (JsonException e)
        {
            return new ImportedBoard([], [], [$"The file is not JSON (line {e.LineNumber + 1}): export the board from Trello (Menu, Print and export, Export as JSON)."]);
        }
        if (root is not JsonObject board || board["cards"] is not JsonArray cards)
        {
            return new ImportedBoard([], [], ["This JSON is not a Trello board export: it has no \"cards\" list."]);
        }
        var lists = new Dictionary<string, (string Name, bool Closed)>(StringComparer.Ordinal);
        foreach (var list in (board["lists"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(list, "id") is { } id)
            {
                lists[id] = (Text(list, "name") ?? "", Flag(list, "closed"));
            }
        }
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in (board["members"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(member, "id") is { } id && (Text(member, "fullName") ?? Text(member, "username")) is { } name)
            {
                members[id] = name;
            }
        }
        var items = new List<ImportedItem>();
        var index = 0;
        foreach (var node in cards)
        {
            index++;
            var where = $"Card {index}";
            if (node is not JsonObject card)
            {
                problems.Add($"{where} is not an object.");
                continue;
            }
            var name = Text(card, "name")?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"{where} has no name.");
                continue;
            }
            where = $"Card {index} (\"{Shorten(name)}\")";
            if (name.Length > ActionItem.TitleMax)
            {
                problems.Add($"{where}: its name is longer than {ActionItem.TitleMax} characters.");
            }
            var notes = Text(card, "desc")?.Trim();
            if (notes?.Length > ActionItem.NotesMax)
            {
                problems.Add($"{where}: its description is longer than {ActionItem.NotesMax} characters.");
            }
            // JSON's "\u0000" escape parses to a NUL, which PostgreSQL cannot store in text.
            if (name.Contains('\0') || notes?.Contains('\0') == true)
            {
                problems.Add($"{where}: its {(name.Contains('\0') ? "name" : "description")} {HoldsNul}");
            }
            var due = TrelloDate(card, "due", where, problems);
            var list = Text(card, "idList") is { } idList && lists.TryGetValue(idList, out var found) ? found : ("", false);
            var state = Column(list.Item1)
                ?? (Flag(card, "closed") || list.Item2 || Flag(card, "dueComplete") ? ActionItemState.Done : ActionItemState.ToDo);
            var assignee = (card["idMembers"] as JsonArray)?.Select(m => m?.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null)
                .Select(m => m is not null && members.TryGetValue(m, out var n) ? n : null).FirstOrDefault(n => n is not null);
            items.Add(new ImportedItem(name, string.IsNullOrEmpty(notes) ? null : notes, assignee, due, state));
        }
        var milestones = new List<ImportedMilestone>();
        var checklist = 0;
        foreach (var node in board["checklists"] as JsonArray ?? [])
        {
            checklist++;
            if (node is not JsonObject list || list["checkItems"] is not JsonArray checkItems)
            {
                problems.Add($"Checklist {checklist} has no \"checkItems\" list.");
                continue;
            }
            var item = 0;
            foreach (var check in checkItems)
            {
                item++;
                var where = $"Checklist {checklist}, item {item}";
                var name = (check as JsonObject) is { } o ? Text(o, "name")?.Trim() : null;
                if (string.IsNullOrEmpty(name))
                {
                    problems.Add($"{where} has no name.");
                    continue;
                }
                if (name.Length > Milestone.TitleMax)
                {
                    problems.Add($"{where}: its name is longer than {Milestone.TitleMax} characters.");
                }
                if (name.Contains('\0'))
                {
                    problems.Add($"{where} (\"{Shorten(name)}\"): its name {HoldsNul}");
                }
                var state = Text((JsonObject)check!, "state");
                if (state is not ("complete" or "incomplete"))
                {
                    problems.Add($"{where}: its state is \"{state}\"; Trello writes \"complete\" or \"incomplete\".");
                }
                milestones.Add(new ImportedMilestone(name, TrelloDate((JsonObject)check!, "due", where, problems), state == "complete"));
            }
        }
        if (items.Count == 0 && milestones.Count == 0 && problems.Count == 0)
        {
            problems.Add("The board has no cards and no checklist items: nothing to import.");
        }
        return new ImportedBoard(items, milestones, problems);
    }

    /// <summary>
    /// A CSV in Asana's import columns: <c>Name</c> (required), <c>Description</c> (or <c>Notes</c>), <c>Section/Column</c>
    /// (or <c>Section</c>), <c>Assignee</c> (a member's name, or the importer's own address) and <c>Assignee Email</c>, <c>Due Date</c>
    /// (MM/DD/YYYY as Asana writes it, or YYYY-MM-DD) and <c>Completed At</c> (a task completed in Asana is done). Other
    /// columns (Task ID, Tags, Projects, …) are ignored. The section names the column as a Trello list does.
    /// </summary>
    public static ImportedBoard ReadAsana(string text)
    {
        var problems = new List<string>();
        var items = new List<ImportedItem>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        try
        {
            using var csv = CsvReader.Create(new StringReader(text), options, leaveOpen: false);
            csv.ReadHeader();
            var header = csv.Headers.Select(h => h.Trim()).ToArray();
            int Find(params string[] names) => Array.FindIndex(header, h => names.Any(n => string.Equals(h, n, StringComparison.OrdinalIgnoreCase)));
            var name = Find("Name", "Task Name");
            if (name < 0)
            {
                return new ImportedBoard([], [], [$"Line 1: the CSV has no \"Name\" column. Asana's import columns are {string.Join(", ", AsanaColumns.Take(8))}."]);
            }
            var description = Find("Description", "Notes");
            var section = Find("Section/Column", "Section", "Column");
            var assignee = Find("Assignee");
            // Asana's own export names the person in "Assignee" and their address in "Assignee Email": both are read, and the
            // import matches a partner by name only (ADR 59: partners do not see each other's addresses).
            var assigneeEmail = Find("Assignee Email");
            var due = Find("Due Date");
            var completed = Find("Completed At");
            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                string? Field(int column) => column >= 0 && column < csv.FieldCount ? csv.GetString(column).Trim() : null;
                var title = Field(name);
                if (string.IsNullOrEmpty(title))
                {
                    problems.Add($"Line {line}: the task has no name.");
                    continue;
                }
                if (title.Length > ActionItem.TitleMax)
                {
                    problems.Add($"Line {line}: the name is longer than {ActionItem.TitleMax} characters.");
                }
                var notes = Field(description);
                if (notes?.Length > ActionItem.NotesMax)
                {
                    problems.Add($"Line {line}: the description is longer than {ActionItem.NotesMax} characters.");
                }
                if (title.Contains('\0') || notes?.Contains('\0') == true)
                {
                    problems.Add($"Line {line}: the {(title.Contains('\0') ? "name" : "description")} {HoldsNul}");
                }
                DateOnly? dueOn = null;
                if (Field(due) is { Length: > 0 } date)
                {
                    if (DateOnly.TryParseExact(date, ["MM/dd/yyyy", "M/d/yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                    {
                        dueOn = parsed;
                    }
                    else
                    {
                        problems.Add($"Line {line}: the due date \"{Shorten(date)}\" is not MM/DD/YYYY or YYYY-MM-DD.");
                    }
                }
                var sectionName = Field(section);
                var state = !string.IsNullOrEmpty(Field(completed)) ? ActionItemState.Done : Column(sectionName) ?? ActionItemState.ToDo;
                items.Add(new ImportedItem(title, string.IsNullOrEmpty(notes) ? null : notes, Field(assignee) is { Length: > 0 } a ? a : null, dueOn, state,
                    Field(assigneeEmail) is { Length: > 0 } e ? e : null));
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add($"Line {(e.LineNumber > 0 ? e.LineNumber : 1)}: malformed quoting (a quoted value is not closed, or a quote stands inside an unquoted value).");
        }
        if (items.Count == 0 && problems.Count == 0)
        {
            problems.Add("The CSV has a header but no tasks: nothing to import.");
        }
        return new ImportedBoard(items, [], problems);
    }

    /// <summary>A Trello-shaped board: the goal as the board, the three columns as lists, each action item as a card.</summary>
    public static byte[] WriteTrello(GoalView goal)
    {
        var columns = new[] { ActionItemState.ToDo, ActionItemState.Doing, ActionItemState.Done };
        var members = goal.ActionItems.Select(a => (a.AssigneeUserId, a.AssigneeName)).Distinct().ToList();
        var board = new JsonObject
        {
            ["id"] = goal.Id.ToString("N"),
            ["name"] = goal.Outcome,
            ["desc"] = $"Measure: {goal.Measure}\nTarget date: {goal.TargetDate:yyyy-MM-dd}",
            ["closed"] = goal.Status != GoalStatus.Active,
            ["lists"] = new JsonArray(columns.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = ListId(c), ["name"] = ColumnName(c), ["closed"] = false, ["pos"] = (i + 1) * 16384,
            }).ToArray()),
            ["members"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject
            {
                ["id"] = m.AssigneeUserId.ToString("N"), ["fullName"] = m.AssigneeName,
            }).ToArray()),
            ["cards"] = new JsonArray(goal.ActionItems.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id.ToString("N"),
                ["name"] = a.Title,
                ["desc"] = a.Notes ?? "",
                ["due"] = a.DueOn is { } due ? TrelloDue(due) : null,
                ["dueComplete"] = a.State == ActionItemState.Done,
                ["idList"] = ListId(a.State),
                ["closed"] = false,
                ["pos"] = (a.Position + 1) * 16384,
                ["idMembers"] = new JsonArray(a.AssigneeUserId.ToString("N")),
            }).ToArray()),
            ["checklists"] = goal.Milestones.Count == 0 ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["id"] = goal.Id.ToString("N") + "m",
                ["name"] = "Milestones",
                ["checkItems"] = new JsonArray(goal.Milestones.Select((m, i) => (JsonNode)new JsonObject
                {
                    ["id"] = m.Id.ToString("N"),
                    ["name"] = m.Title,
                    ["state"] = m.DoneAt is null ? "incomplete" : "complete",
                    ["due"] = m.DueOn is { } due ? TrelloDue(due) : null,
                    ["pos"] = (i + 1) * 16384,
                }).ToArray()),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(board, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A CSV Asana's importer maps without help: Name, Description, Section/Column, Assignee, Due Date (MM/DD/YYYY).</summary>
    public static async Task<byte[]> WriteAsanaAsync(GoalView goal, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true))
        {
            foreach (var column in new[] { "Name", "Description", "Section/Column", "Assignee", "Due Date" })
            {
                csv.WriteField(column);
            }
            await csv.EndRecordAsync(ct);
            foreach (var a in goal.ActionItems)
            {
                csv.WriteField(SpreadsheetText.Safe(a.Title));
                csv.WriteField(SpreadsheetText.Safe(a.Notes ?? ""));
                csv.WriteField(ColumnName(a.State));
                // The member's name, not their address: a partner's e-mail address is not shown in Tandem, so an export does not carry it.
                csv.WriteField(SpreadsheetText.Safe(a.AssigneeName));
                csv.WriteField(a.DueOn?.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture) ?? "");
                await csv.EndRecordAsync(ct);
            }
            await csv.FlushAsync(ct);
        }
        return buffer.ToArray();
    }

    /// <summary>A date as Trello writes a due moment: noon UTC, so that it is the same day in every zone people use.</summary>
    private static string TrelloDue(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T12:00:00.000Z";

    public static string ColumnName(ActionItemState state) => state switch
    {
        ActionItemState.ToDo => "To Do",
        ActionItemState.Doing => "Doing",
        _ => "Done",
    };

    private static string ListId(ActionItemState state) => state.ToString().ToLowerInvariant();

    private const string HoldsNul = "holds a NUL character (U+0000), which Tandem cannot store; remove it and import again.";

    /// <summary>A name as a problem quotes it: its first 40 characters, a NUL shown as the replacement character.</summary>
    private static string Shorten(string text) => (text.Length <= 40 ? text : text[..40] + "…").Replace('\0', '\uFFFD');

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool Flag(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static DateOnly? TrelloDate(JsonObject o, string name, string where, List<string> problems)
    {
        if (o[name] is null)
        {
            return null;
        }
        if (Text(o, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return DateOnly.FromDateTime(at.UtcDateTime);
        }
        problems.Add($"{where}: its {name} date is not an ISO 8601 date and time as Trello writes it.");
        return null;
    }

    /// <summary>The file as text: UTF-8 (a byte-order mark allowed), or UTF-16 with a byte-order mark; null when it is neither.</summary>
    public static string? Decode(byte[] bytes)
    {
        try
        {
            ReadOnlySpan<byte> span = bytes;
            string text;
            if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            {
                text = new UnicodeEncoding(false, false, true).GetString(bytes, 2, bytes.Length - 2);
            }
            else if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            {
                text = new UnicodeEncoding(true, false, true).GetString(bytes, 2, bytes.Length - 2);
            }
            else
            {
                var start = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
                text = new UTF8Encoding(false, true).GetString(bytes, start, bytes.Length - start);
            }
            // A raw NUL is no text in any of the three (and PostgreSQL stores none); a JSON "\u0000" is caught per card.
            return text.Contains('\0') ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
