using Tandem.Features.Notifications;
using Tandem.Infrastructure.Text;

namespace Tandem.Tests.Infrastructure;

/// <summary>A cut inside a surrogate pair leaves half a character, which PostgreSQL refuses to store: text is cut between characters.</summary>
public sealed class WholeCharactersTests
{
    [Fact]
    public void TextIsCutBeforeACharacterThatWouldStraddleTheLimit()
    {
        var text = new string('a', 9) + "\U0001F600" + "b";

        Assert.Equal(new string('a', 9), WholeCharacters.Within(text, 10));
        Assert.Equal(new string('a', 9) + "\U0001F600", WholeCharacters.Within(text, 11));
        Assert.Equal(text, WholeCharacters.Within(text, 100));
        Assert.Equal("e\u0301", WholeCharacters.Within("e\u0301e\u0301", 3)); // an accent stays with its letter
    }

    [Fact]
    public void ANoticeTitleClippedAtAnEmojiKeepsNoHalfOfIt()
    {
        // The clip keeps TitleMax - 1 units and adds "…": 198 letters put the emoji across that cut.
        var title = new string('a', Notification.TitleMax - 2) + "\U0001F600 and more";

        var notice = new Notification(Guid.NewGuid(), NotificationKind.Discussions, NotificationChoice.InApp, title, "Body", null, DateTime.UtcNow);

        Assert.Equal(new string('a', Notification.TitleMax - 2) + "…", notice.Title);
        Assert.DoesNotContain(notice.Title, char.IsSurrogate);
    }
}
