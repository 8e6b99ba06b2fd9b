package sqlite

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"titledesk/data"
)

var (
	surnames   = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞斌宇浩凯秋云莉婷雪梅琳晨欣怡俊峰志海波亮")
	t0         = time.Date(2026, 9, 14, 10, 0, 0, 0, data.Shanghai)
)

// genApplication makes the i-th of n plausible applications spread over 30
// liaison points and every status; r fixes the randomness.
func genApplication(r *rand.Rand, i int) *data.Application {
	name := string(surnames[r.IntN(len(surnames))]) + string(givenChars[r.IntN(len(givenChars))])
	if r.IntN(2) == 0 {
		name += string(givenChars[r.IntN(len(givenChars))])
	}
	birth := time.Date(1965+r.IntN(36), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, data.Shanghai)
	submitted := t0.Add(-time.Duration(r.IntN(365*24)) * time.Hour)
	status := data.Statuses[r.IntN(len(data.Statuses))]
	a := &data.Application{
		ID: fmt.Sprintf("app-%06d", i), No: fmt.Sprintf("2026%06d", i+1), Version: int64(1 + r.IntN(8)), Status: status,
		Form: data.Form{
			Series: "工程技术人员", Qualification: "电力工程电气助理工程师", Level: []string{"员级", "助理级", "中级"}[r.IntN(3)],
			Method: data.MethodAssessment, LiaisonPointID: fmt.Sprintf("lp%02d", r.IntN(30)),
			ApplicantID: fmt.Sprintf("ap-%06d", i), Name: name, IDNumber: data.MakeIDNumber(fmt.Sprintf("4419%02d", r.IntN(100)), birth, r.IntN(1000)),
			Mobile: fmt.Sprintf("13%09d", r.IntN(1e9)), Education: "本科", Major: "电气工程",
			UnitID: fmt.Sprintf("u%04d", r.IntN(2000)), UnitName: "东莞市某工程有限公司", UnitCreditCode: data.MakeCreditCode("91441900MA4UAB12C"),
		},
		CreatedAt: submitted.Add(-time.Hour).UTC(), UpdatedAt: submitted.UTC(), SubmittedAt: submitted.UTC(),
	}
	for k, kind := range data.MaterialKinds[:3] {
		a.Attachments = append(a.Attachments, data.Attachment{
			ID: fmt.Sprintf("att%d", k), Kind: kind, FileName: kind + ".jpg", ContentType: "image/jpeg", Size: 200_000,
			SHA256: strings.Repeat(fmt.Sprintf("%x", (i+k)%16), 64),
		})
	}
	if status == data.StatusPaperDeficient {
		a.SupplementDeadline = must(data.DefaultCalendar().AddWorkingDays(submitted, 5)).UTC()
	}
	return a
}

// genApplications is n applications of genApplication from the seed.
func genApplications(seed uint64, n int) []*data.Application {
	r := rand.New(rand.NewPCG(seed, seed+1))
	apps := make([]*data.Application, n)
	for i := range apps {
		apps[i] = genApplication(r, i)
	}
	return apps
}

// must is a working-day count of a year the default calendar knows.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
