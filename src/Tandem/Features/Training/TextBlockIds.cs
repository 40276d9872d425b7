namespace Tandem.Features.Training;

/// <summary>
/// Which stored question or scenario each block of the coordinators' text box is, so the answers and reflections given
/// to it stay with it: the page's text boxes carry no ids (the API's questions and scenarios do).
/// </summary>
/// <remarks>
/// A block whose text is exactly a stored one's is that one (each stored one once, first come first served). The blocks
/// left are matched in order to the stored ones left only when nothing was added or removed (as many blocks as stored
/// ones: an edit in place, a typo fixed); otherwise they are new. Matched by position alone, deleting the first of three
/// scenarios gave the second the first's id, so the reflections written on the first showed as answers to the second.
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
        if (texts.Count == stored.Count)
        {
            var left = Enumerable.Range(0, stored.Count).Where(j => !used[j]).GetEnumerator();
            for (var i = 0; i < texts.Count; i++)
            {
                if (ids[i] is null && left.MoveNext())
                {
                    ids[i] = stored[left.Current].Id;
                }
            }
        }
        return ids;
    }

    private static bool Same(string a, string b) =>
        string.Equals(a.Replace("\r\n", "\n").Trim(), b.Replace("\r\n", "\n").Trim(), StringComparison.Ordinal);
}
