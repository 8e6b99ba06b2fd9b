package testdesk

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"titledesk/assets"
	"titledesk/data"
	"titledesk/data/blobstore"
)

// scanKinds are the materials every fixture application carries, with a
// line of what the page says.
var scanKinds = []struct{ kind, file, body string }{
	{"居民身份证", "身份证正反面.png", "姓名 陈某某　性别 男　民族 汉\n住址 广东省东莞市南城街道\n公民身份号码 4419001990********"},
	{"学历证书", "学历证书.png", "普通高等学校\n毕业证书\n学生 陈某某 于二〇一二年九月至二〇一六年六月\n在本校电气工程及其自动化专业四年制本科学习\n修完教学计划规定的全部课程，成绩合格，准予毕业。"},
	{"劳动合同或聘用证明", "劳动合同.png", "劳动合同书\n甲方：东莞市某某电力工程有限公司\n乙方：陈某某\n合同期限：自二〇二〇年七月一日起至二〇二六年六月三十日止"},
	{"单位审核意见及公示结果", "公示结果.png", "公示结果\n经公示五个工作日，无异议。\n东莞市某某电力工程有限公司（盖章）"},
}

// Scans draws one A4-proportioned page per material and keeps it in blobs,
// returning the attachments that name them.
func Scans(blobs blobstore.Dir) ([]data.Attachment, error) {
	face, err := opentype.Parse(assets.MainFont)
	if err != nil {
		return nil, err
	}
	title, err := opentype.NewFace(face, &opentype.FaceOptions{Size: 44, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	body, err := opentype.NewFace(face, &opentype.FaceOptions{Size: 26, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	var out []data.Attachment
	for i, k := range scanKinds {
		img := image.NewRGBA(image.Rect(0, 0, 900, 1270))
		draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{250, 248, 240, 255}), image.Point{}, draw.Src)
		// A frame and a red seal, so rotation and zoom are visible.
		for x := 40; x < 860; x++ {
			img.Set(x, 40, color.Black)
			img.Set(x, 1230, color.Black)
		}
		for y := 40; y < 1230; y++ {
			img.Set(40, y, color.Black)
			img.Set(860, y, color.Black)
		}
		for y := -70; y <= 70; y++ {
			for x := -70; x <= 70; x++ {
				if r := x*x + y*y; r <= 70*70 && r >= 62*62 {
					img.Set(680+x, 1050+y, color.RGBA{200, 30, 30, 255})
				}
			}
		}
		text(img, title, 90, 130, k.kind)
		y := 220
		for _, line := range bytes.Split([]byte(k.body), []byte("\n")) {
			text(img, body, 90, y, string(line))
			y += 48
		}
		text(img, body, 90, 1180, fmt.Sprintf("扫描件 第 %d 页", i+1))
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, err
		}
		sum, err := blobs.Put(buf.Bytes())
		if err != nil {
			return nil, err
		}
		out = append(out, data.Attachment{ID: fmt.Sprintf("s%d", i+1), Kind: k.kind, FileName: k.file, SHA256: sum,
			Size: int64(buf.Len()), ContentType: "image/png"})
	}
	return out, nil
}

func text(img draw.Image, face font.Face, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{30, 30, 40, 255}), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
