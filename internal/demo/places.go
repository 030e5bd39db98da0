package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// The region and its districts. The first district is the one the fixed
// demo logins belong to.
const (
	regionName = "江州市教育局"
	regionCode = "3310"
)

type districtName struct {
	short, suffix, pinyin string // 青湖 区 qinghu
}

var districtNames = []districtName{
	{"青湖", "区", "qinghu"}, {"江北", "区", "jiangbei"}, {"南山", "区", "nanshan"}, {"东湖", "区", "donghu"},
	{"西岭", "区", "xiling"}, {"北塘", "区", "beitang"}, {"高新", "区", "gaoxin"}, {"新港", "区", "xingang"},
	{"梅岭", "区", "meiling"}, {"临江", "县", "linjiang"}, {"石桥", "县", "shiqiao"}, {"云溪", "县", "yunxi"},
	{"柳河", "县", "liuhe"}, {"丰宁", "县", "fengning"}, {"白沙", "县", "baisha"}, {"松阳", "县", "songyang"},
	{"桃源", "县", "taoyuan"}, {"龙泉", "市", "longquan"}, {"安平", "县", "anping"}, {"清源", "县", "qingyuan"},
}

// Place names of towns, townships and villages, combined per district.
var (
	townNames = strings.Fields(`桃花 柳溪 石门 白鹤 龙潭 清水 杨柳 凤凰 梅林 竹园 长岭 黄坪 新塘 安乐 永兴 太平 金山 马鞍 双河 三江
		高坪 河口 平安 东岭 仙桥 枫林 花桥 荷塘 铁山 青石 大坝 古城 松林 水口 茶园 云岭 望江 白果 盘石 柏树`)
	villageNames = strings.Fields(`李家 王庄 张湾 陈村 刘坪 杨岭 何家 赵庄 周湾 徐家 向阳 红星 前进 联合 新民 幸福 光明 团结 五星 和平
		上坪 下湾 中岭 沙坝 高桥 田心 柳树 枣园 樱桃 竹林`)
	roadNames = strings.Fields(`人民路 解放路 建设路 中山路 文化路 青年路 和平路 胜利路 新华路 光明路 朝阳路 长江路`)
	ordinals  = strings.Fields(`一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 二十一 二十二 二十三 二十四 二十五`)
)

// schoolKind is a school's stage and location.
type schoolKind struct {
	stage, location string
}

// kindShares are the shares of schools of each kind in a district:
// many primary schools, village schools only at primary and junior level.
var kindShares = []struct {
	kind  schoolKind
	share float64
	size  float64 // typical staff
}{
	{schoolKind{stagePrimary, "urban"}, 0.21, 70}, {schoolKind{stagePrimary, "town"}, 0.21, 40},
	{schoolKind{stagePrimary, "rural"}, 0.14, 14}, {schoolKind{stageJunior, "urban"}, 0.13, 90},
	{schoolKind{stageJunior, "town"}, 0.11, 60}, {schoolKind{stageJunior, "rural"}, 0.05, 30},
	{schoolKind{stageSenior, "urban"}, 0.09, 160}, {schoolKind{stageSenior, "town"}, 0.06, 110},
}

// schoolKinds returns the kinds of n schools, the first always an urban
// primary school (the 实验小学 of the fixed logins), by largest remainder.
func schoolKinds(n int) []schoolKind {
	counts := make([]int, len(kindShares))
	rem := make([]float64, len(kindShares))
	total := 0
	for i, k := range kindShares {
		x := k.share * float64(n)
		counts[i] = int(x)
		rem[i] = x - float64(counts[i])
		total += counts[i]
	}
	for ; total < n; total++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		counts[best]++
		rem[best] = -1
	}
	if counts[0] == 0 { // tiny districts still get their 实验小学
		counts[0]++
		for i := len(counts) - 1; i > 0; i-- {
			if counts[i] > 0 {
				counts[i]--
				break
			}
		}
	}
	var out []schoolKind
	for i, c := range counts {
		for range c {
			out = append(out, kindShares[i].kind)
		}
	}
	return out
}

// schoolNamer names the schools of one district without repeating a name.
type schoolNamer struct {
	prefix   string // 青湖区
	short    string // 青湖
	towns    []string
	villages []string
	used     map[string]bool
	next     map[string]int // per kind: how many names handed out
}

func newSchoolNamer(r *rand.Rand, d districtName) *schoolNamer {
	return &schoolNamer{prefix: d.short + d.suffix, short: d.short, towns: pickN(r, townNames, len(townNames)),
		villages: pickN(r, villageNames, len(villageNames)), used: map[string]bool{}, next: map[string]int{}}
}

// name returns the next unused name for a school of kind k.
func (s *schoolNamer) name(k schoolKind) string {
	key := k.stage + "/" + k.location
	for {
		i := s.next[key]
		s.next[key]++
		n := s.candidate(k, i)
		if i >= 1000 { // past every pattern: number the rest
			n += strconv.Itoa(i)
		}
		if !s.used[n] {
			s.used[n] = true
			return n
		}
	}
}

// candidate is the i-th name tried for a school of kind k.
func (s *schoolNamer) candidate(k schoolKind, i int) string {
	p := s.prefix
	town := s.towns[i%len(s.towns)]
	round := i / len(s.towns)
	switch k {
	case schoolKind{stagePrimary, "urban"}:
		fixed := []string{"实验小学", "第一小学", "育才小学", "第二小学", "外国语小学", "第三小学", "师范附属小学"}
		if i < len(fixed) {
			return p + fixed[i]
		}
		j := i - len(fixed)
		if j < len(roadNames) {
			return p + roadNames[j] + "小学"
		}
		return p + "第" + ordinal(j-len(roadNames)+4) + "小学"
	case schoolKind{stagePrimary, "town"}:
		return town + "镇" + []string{"中心小学", "第二小学", "第三小学", "第四小学"}[round%4]
	case schoolKind{stagePrimary, "rural"}:
		// Townships (乡) take their names from the end of the list, towns (镇) from the start.
		township := s.towns[len(s.towns)-1-(i/3)%len(s.towns)]
		if i%3 == 0 {
			return township + "乡中心小学"
		}
		return township + "乡" + s.villages[i%len(s.villages)] + "村小学"
	case schoolKind{stageJunior, "urban"}:
		fixed := []string{"第三中学", "育才初级中学", "第四中学", "实验初级中学", "外国语学校", "第五中学"}
		if i < len(fixed) {
			return p + fixed[i]
		}
		return p + "第" + ordinal(i-len(fixed)+6) + "中学"
	case schoolKind{stageJunior, "town"}:
		return town + "镇" + []string{"中学", "第二中学", "初级中学", "第三中学"}[round%4]
	case schoolKind{stageJunior, "rural"}:
		township := s.towns[len(s.towns)-1-i%len(s.towns)]
		return township + "乡" + []string{"中学", "初级中学", "第二中学", "九年制学校"}[round%4]
	case schoolKind{stageSenior, "urban"}:
		fixed := []string{"第一中学", s.short + "中学", "第二中学", "实验中学", "第一高级中学", "第二高级中学"}
		if i < len(fixed) {
			if strings.HasPrefix(fixed[i], s.short) {
				return fixed[i]
			}
			return p + fixed[i]
		}
		return p + "第" + ordinal(i-len(fixed)+3) + "高级中学"
	default: // senior, town
		return town + []string{"高级中学", "中学", "第二高级中学", "综合高中"}[round%4]
	}
}

func ordinal(n int) string {
	if n >= 1 && n <= len(ordinals) {
		return ordinals[n-1]
	}
	return strconv.Itoa(n)
}

// groupDef is a teaching-research group and the subjects its teachers teach.
type groupDef struct {
	name     string
	subjects []string
}

// groupsOf lists the teaching-research groups of a school; small schools
// merge subjects into fewer groups, as they do in practice.
func groupsOf(stage string, staff int) []groupDef {
	small := staff < 25
	switch stage {
	case stagePrimary:
		if small {
			return []groupDef{{"语文组", []string{"chinese", "morality_law", "calligraphy"}}, {"数学组", []string{"math", "science"}},
				{"综合组", []string{"english", "music", "fine_arts", "pe", "information_technology", "integrated_practice", "mental_health", "labor"}}}
		}
		return []groupDef{{"语文组", []string{"chinese", "calligraphy"}}, {"数学组", []string{"math"}}, {"英语组", []string{"english"}},
			{"科学组", []string{"science", "information_technology"}}, {"艺体组", []string{"music", "fine_arts", "pe"}},
			{"综合组", []string{"morality_law", "integrated_practice", "mental_health", "labor"}}}
	case stageJunior:
		if small {
			return []groupDef{{"语文组", []string{"chinese", "morality_law", "history"}}, {"数学组", []string{"math", "physics", "chemistry"}},
				{"英语组", []string{"english"}}, {"综合组", []string{"biology", "geography", "music", "fine_arts", "pe", "information_technology", "mental_health", "labor"}}}
		}
		return []groupDef{{"语文组", []string{"chinese"}}, {"数学组", []string{"math"}}, {"英语组", []string{"english"}},
			{"物理组", []string{"physics"}}, {"化学组", []string{"chemistry"}}, {"生物组", []string{"biology"}},
			{"政史地组", []string{"morality_law", "history", "geography"}}, {"艺体组", []string{"music", "fine_arts", "pe"}},
			{"综合组", []string{"information_technology", "mental_health", "labor"}}}
	default:
		return []groupDef{{"语文组", []string{"chinese"}}, {"数学组", []string{"math"}}, {"英语组", []string{"english"}},
			{"物理组", []string{"physics"}}, {"化学组", []string{"chemistry"}}, {"生物组", []string{"biology"}},
			{"政治组", []string{"politics"}}, {"历史组", []string{"history"}}, {"地理组", []string{"geography"}},
			{"体艺组", []string{"pe", "music", "fine_arts"}}, {"技术组", []string{"information_technology", "general_technology", "mental_health"}}}
	}
}

// subjectShares weight the first subject of teachers at each stage.
var subjectShares = map[string]*table[string]{
	stagePrimary: newTable(
		[]string{"chinese", "math", "english", "science", "morality_law", "music", "fine_arts", "pe", "information_technology", "integrated_practice", "mental_health", "labor", "calligraphy"},
		[]float64{30, 24, 9, 5, 4, 5, 5, 7, 3, 2, 2, 2, 2}),
	stageJunior: newTable(
		[]string{"chinese", "math", "english", "physics", "chemistry", "biology", "morality_law", "history", "geography", "music", "fine_arts", "pe", "information_technology", "mental_health", "labor"},
		[]float64{16, 16, 15, 7, 5, 5, 6, 6, 5, 3, 3, 7, 3, 2, 1}),
	stageSenior: newTable(
		[]string{"chinese", "math", "english", "physics", "chemistry", "biology", "politics", "history", "geography", "pe", "music", "fine_arts", "information_technology", "general_technology", "mental_health"},
		[]float64{14, 14, 14, 9, 8, 7, 6, 6, 6, 6, 2, 2, 3, 2, 1}),
}

// secondSubjects are what a teacher of the key also teaches, mostly in
// small schools where one person covers two subjects.
var secondSubjects = map[string][]string{
	"chinese": {"morality_law", "calligraphy"}, "math": {"science", "information_technology"},
	"english": {"music"}, "music": {"fine_arts"}, "fine_arts": {"calligraphy", "music"}, "pe": {"labor", "mental_health"},
	"science": {"labor", "integrated_practice"}, "morality_law": {"history", "mental_health"},
	"history": {"morality_law"}, "geography": {"biology"}, "biology": {"geography"}, "physics": {"information_technology"},
}
