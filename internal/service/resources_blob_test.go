package service_test

import (
	"context"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// A stored file may back a resource and something else at once (the same
// bytes uploaded as an avatar, a discussion attachment, a recording):
// deleting the resource keeps the file while anything still names it, and
// removes it once nothing does.
func TestDeletedResourceKeepsASharedFile(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		w := newResWorld(t, db)
		ctx := context.Background()
		data := append(testkit.PNG(), "shared"...)
		r, err := w.upload(t, w.teacher, 0, pub("共享的图片"), "shared.png", data)
		if err != nil {
			t.Fatal(err)
		}
		// The same bytes are also someone's avatar.
		u, err := db.R().UserByID(ctx, w.colleague.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.AvatarKey = r.BlobKey
		if err := db.W().UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DeleteResource(ctx, w.teacher, r.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := w.files.Exists(ctx, r.BlobKey); err != nil || !ok {
			t.Fatalf("the file an avatar still uses was deleted with the resource (exists %v, %v)", ok, err)
		}
		// Once nothing names it, deleting a resource with it removes it.
		u.AvatarKey = ""
		if err := db.W().UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		r2, err := w.upload(t, w.teacher, 0, pub("共享的图片"), "shared.png", data)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DeleteResource(ctx, w.teacher, r2.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := w.files.Exists(ctx, r.BlobKey); ok {
			t.Error("an unused file was kept")
		}
	})
}
