package idcard

import (
	"errors"
	"testing"
	"time"

	"titledesk/data"
)

// TestReplyCard: the helper's reply as the desk takes it: 长期 is no end
// date, a lower-case x is upper case, a failure is its Chinese message, and
// a reply that cannot be a card read properly is a failed read.
func TestReplyCard(t *testing.T) {
	c, err := Reply{Name: " 陈晓明 ", Number: "11010519491231002x", To: "长期"}.Card()
	if err != nil || c.Name != "陈晓明" || c.Number != "11010519491231002X" || !c.ValidTo.IsZero() {
		t.Errorf("card %+v, %v", c, err)
	}
	c, err = Reply{Name: "陈晓明", Number: "11010519491231002X", To: "20360501"}.Card()
	if err != nil || !c.ValidTo.Equal(time.Date(2036, 5, 1, 0, 0, 0, 0, data.Shanghai)) {
		t.Errorf("card %+v, %v", c, err)
	}
	for _, c := range []struct {
		reply Reply
		code  string
		says  string
	}{
		{Reply{Failed: FailedNoCard}, data.ENOTFOUND, "阅读器上没有身份证，请把证件平放在阅读器上再读"},
		{Reply{Failed: FailedPort}, data.ENOTFOUND, "没有找到身份证阅读器，请检查阅读器的连接线和“设置”中的端口"},
		{Reply{Failed: FailedLoad}, data.EINVALID, "无法加载身份证阅读器驱动（termb.dll），请在“设置”中检查驱动文件"},
		{Reply{Name: "陈晓明", Number: "11010519491231002X", To: "2036-05-01"}, data.EINVALID, "读卡失败，请把证件平放、不要移动，再读一次"},
		{Reply{Number: "11010519491231002X", To: "长期"}, data.EINVALID, "读卡失败，请把证件平放、不要移动，再读一次"},
	} {
		card, err := c.reply.Card()
		if card != nil || data.ErrorCode(err) != c.code || data.ErrorMessage(err) != c.says {
			t.Errorf("%+v: %+v %v", c.reply, card, err)
		}
		if errors.Is(err, ErrNoCard) != (c.reply.Failed == FailedNoCard) {
			t.Errorf("%+v: ErrNoCard %v", c.reply, errors.Is(err, ErrNoCard))
		}
	}
}

// TestHelperForRefusesWhatIsNoDLL: a file that is no Windows program is
// refused when set, before any read.
func TestHelperForRefusesWhatIsNoDLL(t *testing.T) {
	if _, err := HelperFor("idcard.go"); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a Go source as termb.dll: %v", err)
	}
}
