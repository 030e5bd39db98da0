package account

import "testing"

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("正确的密码 horse", FastArgon2)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := CheckPassword("正确的密码 horse", h)
	if err != nil || !ok {
		t.Fatalf("CheckPassword(correct) = %v, %v", ok, err)
	}
	ok, err = CheckPassword("wrong", h)
	if err != nil || ok {
		t.Fatalf("CheckPassword(wrong) = %v, %v", ok, err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=x$a$b", "plain"} {
		if _, err := CheckPassword("x", bad); err == nil {
			t.Errorf("CheckPassword(%q) accepted a malformed hash", bad)
		}
	}
}

func TestUsername(t *testing.T) {
	for s, want := range map[string]bool{"li.ming": true, "ab": false, "Zhang": false, "t001": true, "中文": false, "a b c": false} {
		if got := ValidUsername(s); got != want {
			t.Errorf("ValidUsername(%q) = %v", s, got)
		}
	}
	if NormalizeUsername("  Li.Ming ") != "li.ming" {
		t.Error("NormalizeUsername")
	}
}
