namespace Tandem.Features.Training;

/// <summary>A ready-made module a coordinator adds to a program with one action (and may edit afterwards).</summary>
public sealed record TrainingTemplate(string Key, string Summary, TrainingModuleRequest Module);

/// <summary>
/// The ready-made modules (ADR 61): the five topics most mentoring programs train their people in, each with content a
/// coordinator can use as it is, a short quiz and a role-play scenario.
/// </summary>
public static class TrainingTemplates
{
    private static QuizQuestionInput Q(string text, int correct, params string[] options) => new(text, options, correct);

    private static RolePlayScenarioInput S(string prompt) => new(prompt);

    public static readonly IReadOnlyList<TrainingTemplate> All =
    [
        new("active-listening", "Listening to understand rather than to reply: attention, open questions, reflecting back, silence.",
            new TrainingModuleRequest("Active listening", """
                # Why listening comes first

                Most of what a mentor gives is attention. People work out their own answers when someone listens well, and
                they trust advice more from someone who has understood them first.

                # Four habits

                1. **Give your full attention.** Put the phone away, face the person, and let them finish. Notice when you
                   start preparing your reply while they are still talking, and come back.
                2. **Ask open questions.** "What happened next?", "How did that feel?", "What would you like to be
                   different?" invite a story; "Did you like it?" invites a yes or no.
                3. **Reflect back.** Say in your own words what you heard: "So the deadline worried you more than the work
                   itself?" It shows you listened and lets them correct you.
                4. **Allow silence.** A pause of a few seconds often brings the most important sentence. Do not rush to fill it.

                # What gets in the way

                - Jumping to solutions before the problem is clear.
                - Turning the conversation to your own story ("That happened to me too…") too early.
                - Judging ("You shouldn't have…") instead of exploring ("What made that the choice at the time?").

                # Try it

                In your next meeting, summarise what your partner said at least twice before you offer any advice, and ask
                whether you got it right.
                """, TrainingAudience.Everyone, 20, 70, [],
                [
                    Q("Which of these is an open question?", 2, "Did the test go well?", "Are you nervous?", "What was the hardest part of the test?", "You studied, right?"),
                    Q("Your partner pauses after describing a difficult week. What does active listening suggest?", 1,
                        "Fill the silence with a similar story of your own", "Wait a moment and let them continue", "Change the subject to something lighter", "Give advice straight away"),
                    Q("What is reflecting back?", 0,
                        "Saying in your own words what you heard, so they can confirm or correct it", "Repeating their last sentence word for word",
                        "Thinking about the meeting afterwards", "Telling them how you would feel in their place"),
                ],
                [S("Your mentee says: \"I don't think I'm cut out for this course. Everyone else seems to get it.\" Write what you would say first, and why.")])),

        new("giving-feedback", "Specific, timely and kind feedback that people can act on; receiving feedback well.",
            new TrainingModuleRequest("Giving feedback", """
                # Feedback that helps

                Good feedback is **specific**, **timely**, about **behaviour rather than personality**, and ends with a
                **next step**. "Your essay was bad" helps no one; "Your argument was clear, but the second half had no
                sources, so the claims felt unsupported: could you add two references there?" does.

                # A simple shape: situation, behaviour, impact

                - **Situation:** when and where. "In Tuesday's presentation…"
                - **Behaviour:** what you saw or heard, not what you assume. "…you read from the slides most of the time…"
                - **Impact:** what it led to. "…and the audience stopped looking up."

                Then ask, rather than tell: "What could you try next time?"

                # Balance

                Say what works as concretely as what does not: people repeat what they know is good. Avoid the
                "sandwich" that hides the real message between two vague compliments.

                # Receiving feedback

                Listen to the end, ask for an example, thank the person, and decide later what to do with it. You do not
                have to agree on the spot.
                """, TrainingAudience.Everyone, 20, 70, [],
                [
                    Q("Which feedback is the most useful?", 3, "Great job!", "You're not a natural presenter.", "That was a bit messy.",
                        "In the second half you spoke quickly and skipped the example, so the main point was hard to follow."),
                    Q("In situation-behaviour-impact feedback, the behaviour part should be…", 1,
                        "Your guess about why they did it", "What you actually saw or heard", "A comparison with someone else", "A rule they broke"),
                    Q("When you receive feedback you disagree with, a good first step is to…", 2,
                        "Explain at once why it is wrong", "Ignore it", "Ask for an example and thank them", "Give feedback back"),
                ],
                [S("Your mentee missed two meetings without telling you. Write the feedback you would give at the next meeting, using situation, behaviour and impact.")])),

        new("setting-goals", "SMART goals, breaking them into steps, and reviewing them together.",
            new TrainingModuleRequest("Setting goals", """
                # Why goals

                A relationship with a goal has something to come back to at every meeting, and progress both people can see.
                The goal belongs to the mentee: the mentor helps make it clear and reachable.

                # SMART

                - **Specific:** what exactly will be different? "Get better at maths" → "Pass the algebra unit test."
                - **Measurable:** how will you both know? A grade, a number, something finished.
                - **Achievable:** a stretch, but possible with the time and help available.
                - **Relevant:** it matters to the mentee, not just to the mentor or the school.
                - **Time-bound:** a date. "By the end of March."

                # From goal to steps

                Break the goal into action items small enough to do before the next meeting ("Do the ten practice
                questions on page 42"). Add one or two milestones on the way. In Tandem, the goals page of your match keeps
                them, and a check-in can tick items off.

                # Review

                At each meeting: what got done, what got in the way, what is next. Change a goal that no longer fits
                rather than quietly dropping it.
                """, TrainingAudience.Everyone, 25, 70, [],
                [
                    Q("Which goal is SMART?", 2, "Be more confident", "Read more", "Finish two library books by 30 November and tell my mentor about them",
                        "Do better in school"),
                    Q("Whose goal should it be?", 0, "The mentee's, with the mentor helping to shape it", "The mentor's", "The coordinator's", "The school's"),
                    Q("A goal no longer fits after a change in the mentee's plans. What should you do?", 3,
                        "Keep it anyway", "Drop it without saying anything", "Let the mentor choose a new one", "Talk about it and change or close the goal together"),
                ],
                [S("Your mentee says their goal is \"to be less stressed\". Write two questions you would ask to turn it into a SMART goal, and the goal you might end up with.")])),

        new("boundaries-and-safeguarding", "Professional boundaries, confidentiality and its limits, and what to do when someone may be at risk.",
            new TrainingModuleRequest("Boundaries and safeguarding", """
                # Boundaries protect both of you

                - Meet in the formats your program allows (in the places and channels it names); keep contact to Tandem's
                  messages and meetings rather than private social media.
                - Do not give or lend money, give lifts, or meet alone where the program says not to.
                - Be friendly, not a friend: you are there for the mentee's goals, within the program's time.

                # Confidentiality and its limits

                What your partner tells you stays between you, **except** when someone may be at risk of harm. Say this
                early, in your first meeting, so it is never a surprise: "What you tell me stays with me, unless I'm worried
                you or someone else might get hurt; then I have to tell the coordinator."

                # If someone tells you something worrying

                1. Listen calmly; do not interrupt, show shock or ask leading questions.
                2. Do **not** promise to keep it secret.
                3. Tell them what you will do next and who you will tell.
                4. Report it **the same day** to the program's coordinator, or through *Report a concern* in Tandem. If
                   someone is in immediate danger, call the emergency services first.
                5. Write down what was said, in their words, with the date and time. Do not investigate yourself.

                # Your own boundaries

                If the relationship asks more of you than you can give, or something makes you uncomfortable, talk to the
                coordinator. Asking for help is part of the role.
                """, TrainingAudience.Everyone, 30, 100, [],
                [
                    Q("Your mentee tells you something and asks you to promise not to tell anyone. What do you say?", 1,
                        "Promise, to keep their trust", "Explain that you cannot promise if someone may be at risk, and that you would tell the coordinator",
                        "Refuse to listen", "Say you will decide later"),
                    Q("A mentee tells you they are being hurt at home. When do you report it?", 0,
                        "The same day, to the coordinator (or emergency services if they are in immediate danger)", "At the next meeting", "After finding out more yourself",
                        "Only if they agree"),
                    Q("Your mentee asks to follow you on your private social media. What fits the program's boundaries?", 2,
                        "Accept, it builds trust", "Accept but hide some posts", "Keep contact to the program's channels and explain why", "Block them"),
                ],
                [S("Near the end of a meeting your mentee says: \"Can I tell you something if you promise not to tell?\" Write what you would say, word for word.")])),

        new("conflict-resolution", "Noticing tension early, talking about it calmly, finding a way forward, and when to ask the coordinator.",
            new TrainingModuleRequest("Conflict resolution", """
                # Disagreement is normal

                Missed meetings, different expectations and misunderstandings happen in most relationships. Talked about
                early, they often make the relationship stronger.

                # A way to talk it through

                1. **Pick the moment.** Privately, when neither of you is rushed or upset.
                2. **Start with yourself.** "I" statements: "I felt frustrated when we didn't meet twice" rather than "You
                   never turn up."
                3. **Listen to their side** fully (see *Active listening*). Ask what was going on for them.
                4. **Find the shared interest.** You both want meetings that are worth the time.
                5. **Agree one concrete change** each, and when you will check how it is going.

                # Keep it calm

                Slow down, lower your voice, and take a break if either of you gets heated: "Let's pick this up on Thursday."
                Stick to the one issue at hand.

                # When to ask for help

                If talking has not helped, if the relationship feels unsafe, or if you feel it is not working, tell the
                coordinator. In Tandem, *Report a concern* can ask for mediation, and coordinators can re-match a pair
                without blame.
                """, TrainingAudience.Everyone, 25, 70, [],
                [
                    Q("Which opening is an \"I\" statement?", 1, "You always cancel at the last minute.", "I felt let down when our meeting was cancelled.",
                        "Why can't you be on time?", "Everyone says you're unreliable."),
                    Q("The conversation gets heated. What helps most?", 3, "Win the argument now", "Bring up earlier problems too", "Leave without saying anything",
                        "Suggest a short break and agree when to continue"),
                    Q("Talking it through has not helped and the relationship is not working. What next?", 0,
                        "Tell the coordinator; they can mediate or re-match", "Stop replying", "Keep going without saying anything", "Complain to other participants"),
                ],
                [S("Your mentee has arrived 20 minutes late to the last three meetings. Write how you would open the conversation about it.")])),
    ];
}
