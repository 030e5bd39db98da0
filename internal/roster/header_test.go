package roster

import "testing"

func TestLookupHeader(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"用户名", ColUsername},
		{"账号", ColUsername},
		{"帐号", ColUsername},
		{"User Name", ColUsername},
		{"USERNAME", ColUsername},
		{"姓名", ColName},
		{"* 姓名", ColName},
		{"姓名*", ColName},
		{"姓 名", ColName},
		{"Full_Name", ColName},
		{"性别", ColGender},
		{"Sex", ColGender},
		{"学科", ColSubjects},
		{"任教学科（多个用顿号分隔）", ColSubjects},
		{"学段", ColGradeBand},
		{"Grade-Band", ColGradeBand},
		{"职称", ColTitle},
		{"教龄", ColYears},
		{"教龄（年）", ColYears},
		{"教龄(年)", ColYears},
		{"years_of_teaching", ColYears},
		{"邮箱", ColEmail},
		{"电子邮箱", ColEmail},
		{"E-mail", ColEmail},
		{"ｅｍａｉｌ", ColEmail},
		{"工号", ColStaffNo},
		{"Staff No.", ColStaffNo},
		{"staff_no", ColStaffNo},
		{"工号：", ColStaffNo},
		{"手机", ""},
		{"备注", ""},
		{"(姓名)", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := lookupHeader(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("lookupHeader(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestHeaderSpellingsUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for key, spellings := range headerSpellings {
		for _, s := range spellings {
			n := normalizeHeader(s)
			if other, ok := seen[n]; ok && other != key {
				t.Errorf("header %q means both %s and %s", s, other, key)
			}
			seen[n] = key
		}
	}
	for _, key := range ColumnKeys() {
		if got, ok := lookupHeader(key); !ok || got != key {
			t.Errorf("the canonical key %q is not accepted as a header", key)
		}
	}
}

func TestTruncateRunes(t *testing.T) {
	if got := truncateRunes("一二三四", 2); got != "一二…" {
		t.Errorf("got %q", got)
	}
	if got := truncateRunes("一二", 2); got != "一二" {
		t.Errorf("got %q", got)
	}
}
