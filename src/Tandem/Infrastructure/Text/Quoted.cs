namespace Tandem.Infrastructure.Text;

/// <summary>What someone typed, quoted back in a message: at most 60 characters, then "…".</summary>
public static class Quoted
{
    public const int MaxLength = 60;

    public static string Of(string typed) => typed.Length > MaxLength ? typed[..MaxLength] + "…" : typed;
}
