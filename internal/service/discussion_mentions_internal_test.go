package service

import "testing"

func TestLinkMentions(t *testing.T) {
	members := []mentioned{{Name: "zhangwei", UserID: 1}, {Name: "li.na", UserID: 2}}
	cases := []struct{ in, want string }{
		{`<p>请@zhangwei看看</p>`, `<p>请<a class="mention" href="/u/zhangwei">@zhangwei</a>看看</p>`},
		{`<p>@ZhangWei, @li.na.</p>`, `<p><a class="mention" href="/u/zhangwei">@ZhangWei</a>, <a class="mention" href="/u/li.na">@li.na</a>.</p>`},
		{`<p>@stranger and a@zhangwei</p>`, `<p>@stranger and a@zhangwei</p>`},
		{`<p><code>@zhangwei</code> <a href="https://x.org/@zhangwei">@zhangwei</a></p>`, `<p><code>@zhangwei</code> <a href="https://x.org/@zhangwei">@zhangwei</a></p>`},
		{`<pre><code>@zhangwei
</code></pre><p>&lt;@zhangwei&gt; &amp;</p>`, `<pre><code>@zhangwei
</code></pre><p>&lt;<a class="mention" href="/u/zhangwei">@zhangwei</a>&gt; &amp;</p>`},
		{`<p>no mentions</p>`, `<p>no mentions</p>`},
	}
	for _, tc := range cases {
		if got := linkMentions(tc.in, members); got != tc.want {
			t.Errorf("linkMentions(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if got := linkMentions(`<p>@zhangwei</p>`, nil); got != `<p>@zhangwei</p>` {
		t.Errorf("no members: %q", got)
	}
}
