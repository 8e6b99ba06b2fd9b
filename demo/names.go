package demo

import "fmt"

var (
	surnames = []rune("张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢")
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
		"平", "刚", "桂英", "志强", "晓敏", "建华", "海燕", "文博", "嘉怡", "子轩", "梓涵", "俊杰", "雨桐", "浩然", "思远", "立新", "国栋"}
	// Rare characters (生僻字) real applicants have: the first two are CJK
	// Extension A, which only the fallback font draws; the last is outside
	// the Basic Multilingual Plane, which no printed font here can draw.
	rare = []string{"李䶮", "王㛃", "陈堃", "周喆", "黄𠮷祥"}
)

// Name is applicant i's name; one in about forty is a rare one.
func Name(i int) string {
	if i%40 == 39 {
		return rare[(i/40)%len(rare)]
	}
	return string(surnames[i%len(surnames)]) + given[(i*7)%len(given)]
}

type qualification struct{ series, name, level, major string }

var qualifications = []qualification{
	{"工程技术人员", "电力工程电气助理工程师", "助理级", "电气工程及其自动化"},
	{"工程技术人员", "建筑工程工程师", "中级", "土木工程"},
	{"工程技术人员", "建材检验工程师", "中级", "材料科学与工程"},
	{"工程技术人员", "机械工程技术员", "员级", "机械设计制造及其自动化"},
	{"实验技术人员", "计算机助理实验师", "助理级", "计算机科学与技术"},
	{"农业技术人员", "畜牧师", "中级", "动物科学"},
	{"工程技术人员", "电子工程助理工程师", "助理级", "电子信息工程"},
	{"经济专业人员", "人力资源管理助理经济师", "助理级", "人力资源管理"},
}

var educations = []string{"本科", "大专", "硕士研究生", "本科", "中专"}

// Dongguan region codes (4419xx) and a few of applicants born elsewhere.
var regions = []string{"441900", "441900", "440106", "445102", "430524", "360728"}

type unitSeed struct{ name, code, contact string }

var units = []unitSeed{
	{"东莞市明辉电力工程有限公司", "91441900MA4UABCD1", "何嘉欣"},
	{"东莞市粤建建筑工程有限公司", "91441900MA5BXYK22", "梁志华"},
	{"东莞市松山湖智能装备有限公司", "91441900MA51QWER3", "邓海峰"},
	{"东莞市虎门港检测技术有限公司", "91441900MA4WTYUH4", "罗小燕"},
	{"东莞市常平农业科技发展有限公司", "91441900MA52AHDF5", "谢国强"},
	{"东莞市长安电子科技有限公司", "91441900MA53KXCL6", "叶丽萍"},
}

// Points are the demo's liaison points: associations and town offices.
func Points() [][3]string {
	out := [][3]string{
		{"DLXH", "东莞市电力行业协会", "南城街道"},
		{"JZXH", "东莞市建筑行业协会", "东城街道"},
	}
	for i, town := range []string{"石龙镇", "常平镇", "虎门镇", "长安镇", "塘厦镇", "松山湖"} {
		out = append(out, [3]string{fmt.Sprintf("TOWN%02d", i+1), town + "人力资源分局", town})
	}
	return out
}
