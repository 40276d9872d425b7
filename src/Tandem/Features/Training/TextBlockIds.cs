namespace Tandem.Features.Training;

/// <summary>
/// Which stored question or scenario each block of the coordinators' text box is, so the answers and reflections given
/// to it stay with it: the page's text boxes carry no ids (the API's questions and scenarios do).
/// </summary>
/// <remarks>
/// A block whose text is exactly a stored one's is that one (each stored one once, first come first served). A block left
/// takes the stored one at its own place only when nothing moved: as many blocks as stored ones, and every block matched
/// by its text still at its own place (an edit in place, a typo fixed). Otherwise it is new: one removed and one added
/// leave the count as it was, and the new one must not take the removed one's answers. Matched by position alone,
/// deleting the first of three scenarios gave the second the first's id, so the reflections written on the first showed
/// as answers to the second.
/// </remarks>
public static class TextBlockIds
{
    public static Guid?[] Match(IReadOnlyList<string> texts, IReadOnlyList<(Guid Id, string Text)> stored)
    {
        var ids = new Guid?[texts.Count];
        var used = new bool[stored.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var same = Enumerable.Range(0, stored.Count).FirstOrDefault(j => !used[j] && Same(stored[j].Text, texts[i]), -1);
            if (same >= 0)
            {
                used[same] = true;
                ids[i] = stored[same].Id;
            }
        }
        var nothingMoved = texts.Count == stored.Count && Enumerable.Range(0, texts.Count).All(i => ids[i] is null || ids[i] == stored[i].Id);
        if (nothingMoved)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                if (ids[i] is null && !used[i])
                {
                    used[i] = true;
                    ids[i] = stored[i].Id;
                }
            }
        }
        return ids;
    }

    private static bool Same(string a, string b) =>
        string.Equals(a.Replace("\r\n", "\n").Trim(), b.Replace("\r\n", "\n").Trim(), StringComparison.Ordinal);
}
