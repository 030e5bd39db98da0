package resource

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func render(lines []DiffLine) string {
	var b strings.Builder
	for _, l := range lines {
		switch l.Op {
		case DiffInsert:
			b.WriteString("+")
		case DiffDelete:
			b.WriteString("-")
		default:
			b.WriteString(" ")
		}
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

func TestDiffText(t *testing.T) {
	a := "一、导入：复习整数\n二、新授：认识分数\n三、练习"
	b := "一、导入：复习整数\n二、新授：用折纸认识几分之一\n三、练习\n四、小结"
	got := render(DiffText(a, b))
	want := " 一、导入：复习整数\n-二、新授：认识分数\n+二、新授：用折纸认识几分之一\n 三、练习\n+四、小结\n"
	if got != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", got, want)
	}
	if got := render(DiffText("同一段\n", "同一段\n")); got != " 同一段\n" {
		t.Errorf("equal texts: %q", got)
	}
	if got := DiffText("", ""); len(got) != 0 {
		t.Errorf("empty texts: %v", got)
	}
	if got := render(DiffText("", "新增")); got != "+新增\n" {
		t.Errorf("from empty: %q", got)
	}
}

func TestDiffBodiesFollowTemplate(t *testing.T) {
	a, _ := NewBody(LessonPlan, map[string]string{"objectives": "认识分数", "process": "导入"})
	b, _ := NewBody(LessonPlan, map[string]string{"objectives": "认识分数", "process": "导入\n探究", "reflection": "学生兴趣高"})
	d := DiffBodies(LessonPlan, a, b)
	if len(d) != 5 || d[0].Key != "objectives" || d[4].Key != "reflection" {
		t.Fatalf("sections: %+v", d)
	}
	changed := map[string]bool{}
	for _, s := range d {
		changed[s.Key] = s.Changed
	}
	if changed["objectives"] || !changed["process"] || !changed["reflection"] || changed["board_design"] {
		t.Errorf("changed sections: %v", changed)
	}
	if got := render(d[2].Lines); got != " 导入\n+探究\n" {
		t.Errorf("process diff: %q", got)
	}
}

// A section at the size limit diffs quickly: the line hashing keeps the
// work proportional to the number of lines, not characters squared.
func TestDiffLargeSectionIsFast(t *testing.T) {
	var a, b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&a, "第%d行 教学过程\n", i)
		if i%7 == 0 {
			fmt.Fprintf(&b, "第%d行 修改后的教学过程\n", i)
		} else {
			fmt.Fprintf(&b, "第%d行 教学过程\n", i)
		}
	}
	start := time.Now()
	lines := DiffText(a.String(), b.String())
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("diff of 2000 lines took %v", el)
	}
	ins := 0
	for _, l := range lines {
		if l.Op == DiffInsert {
			ins++
		}
	}
	if ins != 286 {
		t.Errorf("%d inserted lines, want 286", ins)
	}
}

func TestMergeBodies(t *testing.T) {
	mk := func(m map[string]string) Body {
		b, err := NewBody(LessonPlan, m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	base := mk(map[string]string{"objectives": "目标", "process": "过程", "reflection": "反思"})
	theirs := mk(map[string]string{"objectives": "目标（他们改）", "process": "过程（他们改）", "reflection": "反思"})
	yours := mk(map[string]string{"objectives": "目标", "process": "过程（我改）", "reflection": "反思（我改）"})
	merged, clashes := MergeBodies(LessonPlan, base, theirs, yours)
	if got := merged.Text("objectives"); got != "目标（他们改）" {
		t.Errorf("only they changed objectives: %q", got)
	}
	if got := merged.Text("reflection"); got != "反思（我改）" {
		t.Errorf("only I changed the reflection: %q", got)
	}
	if got := merged.Text("process"); got != "过程（我改）" {
		t.Errorf("both changed the process: keep mine, got %q", got)
	}
	if len(clashes) != 1 || clashes[0] != "process" {
		t.Errorf("clashes %v, want [process]", clashes)
	}
	// The same change on both sides is no clash.
	if _, clashes := MergeBodies(LessonPlan, base, theirs, theirs); len(clashes) != 0 {
		t.Errorf("identical changes clash: %v", clashes)
	}
}
