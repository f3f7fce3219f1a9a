using Harness.Impl.Resources;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class NamesTests
{
    /// <summary>Names a hostile framework could send, and ordinary ones next to them.</summary>
    private static readonly string[] Hostile =
    [
        "r1", "v1", "web", "db-1", "a.b", "...", ".hidden", "x..y", "日本語", "é", "\U0001F600", "a b", "-", "~", "$HOME",
        "", ".", "..", "/", "a/b", "../x", "./a", "a/", "/etc", "..\\x", "a\\b",
        "\0", "a\0b", "\u0001", "a\tb", "a\nb", "\r", "\u007F", "\u0085", "\u009F",
        "\uD800", "a\uDC00b", "\uDBFF\uDFFF", "\uDFFF\uD800",
        new string('x', 255), new string('x', 256), new string('é', 127), new string('é', 128),
        string.Concat(Enumerable.Repeat("\U0001F600", 63)) + "xxx", string.Concat(Enumerable.Repeat("\U0001F600", 64)),
    ];

    public static TheoryData<string> Corpus() => [.. Hostile];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Check_EveryName_ModelAndMasterGiveTheSameAnswer(string name)
    {
        foreach (var kind in new[] { "role", "persistence id" })
        {
            Assert.Equal(ResourceNames.Check(name, kind), Names.Check(name, kind));
        }
    }

    [Fact]
    public void Check_Corpus_AcceptsSomeAndRejectsSome()
    {
        // The agreement above means little unless the corpus exercises both answers and every rule.
        var answers = Hostile.Select(name => Names.Check(name, "role")).ToList();

        Assert.Contains(null, answers);
        foreach (var rule in new[] { "must not be empty", "'.' and '..'", "not valid UTF-16", "the limit is 255", "must not contain '/'", "NUL", "control characters" })
        {
            Assert.Contains(answers, a => a is not null && a.Contains(rule, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Check_Null_IsEmpty()
    {
        Assert.Equal(ResourceNames.Check(null, "role"), Names.Check(null, "role"));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void RoleProblemAndIdProblem_EveryName_AreWhatCheckSays(string name)
    {
        // The model asks these at every operation instead of checking the name again; a name in either place gets Check's answer.
        var names = new Names([name, "r2"], [["v1", name], [name, "v2"]]);

        Assert.Equal(Names.Check(name, "role"), names.RoleProblem(0));
        Assert.Null(names.RoleProblem(1));
        Assert.Equal(Names.Check(name, "persistence id"), names.IdProblem(1));
        Assert.Equal(Names.Check(name, "persistence id"), names.IdProblem(2));
        Assert.Null(names.IdProblem(0));
        Assert.Null(names.IdProblem(3));
    }
}
