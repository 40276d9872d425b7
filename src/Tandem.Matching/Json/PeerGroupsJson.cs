using System.Text.Json;

namespace Tandem.Matching;

/// <summary>The "peer-groups" objective; waits for the group formation solver.</summary>
internal static class PeerGroupsJson
{
    public static void Solve(JsonElement root, List<ParsedParticipant> people, List<PeerEdge> edges, Utf8JsonWriter writer) =>
        throw new MatchingProblemException("objective", "\"peer-groups\" is not available in this build yet");
}
