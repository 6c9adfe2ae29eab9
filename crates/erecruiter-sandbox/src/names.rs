//! Person-name, address and phone material for the seed generator, in many scripts.
//!
//! Every name comes with an ASCII romanization used to build e-mail addresses on the
//! reserved example domains. Cities are real places; people, streets and numbers are invented.

/// A (native spelling, ASCII romanization) pair.
pub(crate) type Spelling = (&'static str, &'static str);

/// Name and address material for one culture.
pub(crate) struct Locale {
    /// Culture tag, used as the applicant's `Culture` when the mandator offers it.
    pub culture: &'static str,
    /// English country name, as listed in the mandator's `Countries`.
    pub country: &'static str,
    /// International dialling prefix.
    pub phone_prefix: &'static str,
    pub female_given: &'static [Spelling],
    pub male_given: &'static [Spelling],
    pub male_family: &'static [Spelling],
    /// Family names for women where the language inflects them (else same as `male_family`).
    pub female_family: &'static [Spelling],
    /// (city, postal code)
    pub cities: &'static [(&'static str, &'static str)],
    pub streets: &'static [&'static str],
}

macro_rules! locale {
    ($culture:expr, $country:expr, $phone:expr, F: $f:expr, M: $m:expr, L: $l:expr, LF: $lf:expr, C: $c:expr, S: $s:expr) => {
        Locale {
            culture: $culture,
            country: $country,
            phone_prefix: $phone,
            female_given: $f,
            male_given: $m,
            male_family: $l,
            female_family: $lf,
            cities: $c,
            streets: $s,
        }
    };
}

const AT_FAMILY: &[Spelling] = &[
    ("Müller", "mueller"),
    ("Gruber", "gruber"),
    ("Höfler", "hoefler"),
    ("Weiß", "weiss"),
    ("Pötzl", "poetzl"),
    ("Wagner", "wagner"),
];
const DE_FAMILY: &[Spelling] = &[
    ("Schäfer", "schaefer"),
    ("Krüger", "krueger"),
    ("Groß", "gross"),
    ("Becker", "becker"),
    ("Schröder", "schroeder"),
];
const SE_FAMILY: &[Spelling] = &[
    ("Åkesson", "akesson"),
    ("Sjöberg", "sjoberg"),
    ("Lindqvist", "lindqvist"),
    ("Ångström", "angstrom"),
];
const HU_FAMILY: &[Spelling] = &[
    ("Szőke", "szoke"),
    ("Kovács", "kovacs"),
    ("Tóth", "toth"),
    ("Horváth", "horvath"),
];
const TR_FAMILY: &[Spelling] = &[
    ("Yılmaz", "yilmaz"),
    ("Öztürk", "ozturk"),
    ("Şahin", "sahin"),
    ("Çelik", "celik"),
];
const FR_FAMILY: &[Spelling] = &[
    ("Lefèvre", "lefevre"),
    ("Dubois", "dubois"),
    ("Bérard", "berard"),
    ("Fournier", "fournier"),
];
const ES_FAMILY: &[Spelling] = &[
    ("Núñez", "nunez"),
    ("García Peña", "garcia.pena"),
    ("Muñoz", "munoz"),
    ("Ibáñez", "ibanez"),
];
const VN_FAMILY: &[Spelling] = &[
    ("Nguyễn", "nguyen"),
    ("Trần", "tran"),
    ("Lê", "le"),
    ("Phạm", "pham"),
];
const UA_FAMILY: &[Spelling] = &[
    ("Шевченко", "shevchenko"),
    ("Коваленко", "kovalenko"),
    ("Бондаренко", "bondarenko"),
    ("Ткаченко", "tkachenko"),
];
const RS_FAMILY: &[Spelling] = &[
    ("Јовановић", "jovanovic"),
    ("Петровић", "petrovic"),
    ("Ђурић", "djuric"),
    ("Николић", "nikolic"),
];
const AE_FAMILY: &[Spelling] = &[
    ("المنصوري", "almansouri"),
    ("الحسيني", "alhusseini"),
    ("حداد", "haddad"),
    ("الشامسي", "alshamsi"),
];
const IL_FAMILY: &[Spelling] = &[
    ("כהן", "cohen"),
    ("לוי", "levi"),
    ("מזרחי", "mizrahi"),
    ("פרץ", "peretz"),
];
const CN_FAMILY: &[Spelling] = &[("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu")];
const JP_FAMILY: &[Spelling] = &[
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("渡辺", "watanabe"),
];
const KR_FAMILY: &[Spelling] = &[("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi")];
const IN_FAMILY: &[Spelling] = &[
    ("शर्मा", "sharma"),
    ("वर्मा", "verma"),
    ("गुप्ता", "gupta"),
    ("जोशी", "joshi"),
];
const TH_FAMILY: &[Spelling] = &[
    ("ใจดี", "jaidee"),
    ("ศรีสุข", "srisuk"),
    ("วงศ์สวัสดิ์", "wongsawat"),
];
const GE_FAMILY: &[Spelling] = &[
    ("ბერიძე", "beridze"),
    ("კაპანაძე", "kapanadze"),
    ("გელაშვილი", "gelashvili"),
];
const IE_FAMILY: &[Spelling] = &[
    ("O'Connor", "oconnor"),
    ("Ó Briain", "obriain"),
    ("Smith-Byrne", "smith-byrne"),
    ("Mac Giolla", "macgiolla"),
];

/// All locales the generator draws from. The first applicants cycle through this list so that
/// even a small seed covers every script.
pub(crate) const LOCALES: &[Locale] = &[
    locale!("de-AT", "Austria", "+43",
        F: &[("Lena", "lena"), ("Sophie", "sophie"), ("Anna-Lena", "anna-lena"), ("Zoë", "zoe")],
        M: &[("Jürgen", "juergen"), ("Lukas", "lukas"), ("Maximilian", "maximilian"), ("Günther", "guenther")],
        L: AT_FAMILY, LF: AT_FAMILY,
        C: &[("Wien", "1010"), ("Linz", "4020"), ("Graz", "8010"), ("Salzburg", "5020"), ("Innsbruck", "6020")],
        S: &["Mariahilfer Straße", "Landstraße", "Herrengasse", "Südtiroler Platz"]),
    locale!("de-DE", "Germany", "+49",
        F: &[("Jana", "jana"), ("Hanna", "hanna"), ("Käthe", "kaethe")],
        M: &[("Jörg", "joerg"), ("Björn", "bjoern"), ("Felix", "felix")],
        L: DE_FAMILY, LF: DE_FAMILY,
        C: &[("München", "80331"), ("Köln", "50667"), ("Düsseldorf", "40213")],
        S: &["Königstraße", "Lindenallee", "Am Mühlbach"]),
    locale!("cs-CZ", "Czech Republic", "+420",
        F: &[("Kateřina", "katerina"), ("Tereza", "tereza"), ("Anežka", "anezka")],
        M: &[("Jiří", "jiri"), ("Tomáš", "tomas"), ("Ondřej", "ondrej")],
        L: &[("Dvořák", "dvorak"), ("Novák", "novak"), ("Černý", "cerny")],
        LF: &[("Dvořáková", "dvorakova"), ("Nováková", "novakova"), ("Černá", "cerna")],
        C: &[("Praha", "110 00"), ("Brno", "602 00"), ("České Budějovice", "370 01")],
        S: &["Vinohradská", "Náměstí Míru", "Žitná"]),
    locale!("pl-PL", "Poland", "+48",
        F: &[("Małgorzata", "malgorzata"), ("Zofia", "zofia"), ("Agnieszka", "agnieszka")],
        M: &[("Łukasz", "lukasz"), ("Paweł", "pawel"), ("Michał", "michal")],
        L: &[("Wiśniewski", "wisniewski"), ("Wójcik", "wojcik"), ("Zieliński", "zielinski")],
        LF: &[("Wiśniewska", "wisniewska"), ("Wójcik", "wojcik"), ("Zielińska", "zielinska")],
        C: &[("Kraków", "30-001"), ("Łódź", "90-001"), ("Gdańsk", "80-001")],
        S: &["ulica Świętokrzyska", "ulica Żeromskiego", "aleja Róż"]),
    locale!("hu-HU", "Hungary", "+36",
        F: &[("Zsófia", "zsofia"), ("Réka", "reka"), ("Enikő", "eniko")],
        M: &[("Gergő", "gergo"), ("Bálint", "balint"), ("Levente", "levente")],
        L: HU_FAMILY, LF: HU_FAMILY,
        C: &[("Budapest", "1051"), ("Győr", "9021"), ("Pécs", "7621")],
        S: &["Andrássy út", "Petőfi Sándor utca", "Fő utca"]),
    locale!("tr-TR", "Turkey", "+90",
        F: &[("Ayşe", "ayse"), ("Elif", "elif"), ("Gülşen", "gulsen")],
        M: &[("Çağrı", "cagri"), ("Mehmet", "mehmet"), ("İsmail", "ismail")],
        L: TR_FAMILY, LF: TR_FAMILY,
        C: &[("İstanbul", "34000"), ("Ankara", "06000"), ("İzmir", "35000")],
        S: &["İstiklal Caddesi", "Atatürk Bulvarı", "Çiçek Sokak"]),
    locale!("fr-FR", "France", "+33",
        F: &[("Zoé", "zoe"), ("Hélène", "helene"), ("Anaïs", "anais")],
        M: &[("Jérôme", "jerome"), ("François", "francois"), ("Noël", "noel")],
        L: FR_FAMILY, LF: FR_FAMILY,
        C: &[("Paris", "75001"), ("Lyon", "69001"), ("Besançon", "25000")],
        S: &["rue de la Paix", "avenue Gambetta", "place de l'Église"]),
    locale!("es-ES", "Spain", "+34",
        F: &[("Inés", "ines"), ("María José", "maria.jose"), ("Begoña", "begona")],
        M: &[("Íñigo", "inigo"), ("José Ángel", "jose.angel"), ("Andrés", "andres")],
        L: ES_FAMILY, LF: ES_FAMILY,
        C: &[("Madrid", "28001"), ("A Coruña", "15001"), ("Málaga", "29001")],
        S: &["Calle de Alcalá", "Avenida de la Constitución", "Plaza Mayor"]),
    locale!("sv-SE", "Sweden", "+46",
        F: &[("Åsa", "asa"), ("Linnéa", "linnea"), ("Märta", "marta")],
        M: &[("Björn", "bjorn"), ("Måns", "mans"), ("Örjan", "orjan")],
        L: SE_FAMILY, LF: SE_FAMILY,
        C: &[("Göteborg", "411 01"), ("Malmö", "211 01"), ("Umeå", "903 25")],
        S: &["Drottninggatan", "Storgatan", "Västra Hamngatan"]),
    locale!("vi-VN", "Vietnam", "+84",
        F: &[("Hương", "huong"), ("Thảo", "thao"), ("Ngọc Ánh", "ngoc.anh")],
        M: &[("Đức", "duc"), ("Tuấn", "tuan"), ("Quốc Bảo", "quoc.bao")],
        L: VN_FAMILY, LF: VN_FAMILY,
        C: &[("Hà Nội", "100000"), ("Thành phố Hồ Chí Minh", "700000"), ("Đà Nẵng", "550000")],
        S: &["Phố Hàng Bạc", "Đường Lê Lợi", "Đường Nguyễn Huệ"]),
    locale!("ru-RU", "Russia", "+7",
        F: &[("Анна", "anna"), ("Екатерина", "ekaterina"), ("Юлия", "yulia")],
        M: &[("Дмитрий", "dmitry"), ("Алексей", "aleksey"), ("Сергей", "sergey")],
        L: &[("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov")],
        LF: &[("Иванова", "ivanova"), ("Смирнова", "smirnova"), ("Кузнецова", "kuznetsova")],
        C: &[("Москва", "101000"), ("Санкт-Петербург", "190000"), ("Новосибирск", "630000")],
        S: &["улица Тверская", "Невский проспект", "улица Ленина"]),
    locale!("uk-UA", "Ukraine", "+380",
        F: &[("Олена", "olena"), ("Оксана", "oksana"), ("Ірина", "iryna")],
        M: &[("Тарас", "taras"), ("Богдан", "bohdan"), ("Андрій", "andrii")],
        L: UA_FAMILY, LF: UA_FAMILY,
        C: &[("Київ", "01001"), ("Львів", "79000"), ("Одеса", "65000")],
        S: &["вулиця Хрещатик", "проспект Свободи", "вулиця Шевченка"]),
    locale!("bg-BG", "Bulgaria", "+359",
        F: &[("Мария", "maria"), ("Десислава", "desislava"), ("Цветелина", "tsvetelina")],
        M: &[("Георги", "georgi"), ("Стоян", "stoyan"), ("Христо", "hristo")],
        L: &[("Петров", "petrov"), ("Георгиев", "georgiev"), ("Димитров", "dimitrov")],
        LF: &[("Петрова", "petrova"), ("Георгиева", "georgieva"), ("Димитрова", "dimitrova")],
        C: &[("София", "1000"), ("Пловдив", "4000"), ("Варна", "9000")],
        S: &["булевард Витоша", "улица Граф Игнатиев"]),
    locale!("sr-RS", "Serbia", "+381",
        F: &[("Јелена", "jelena"), ("Милица", "milica"), ("Ивана", "ivana")],
        M: &[("Ђорђе", "djordje"), ("Никола", "nikola"), ("Стефан", "stefan")],
        L: RS_FAMILY, LF: RS_FAMILY,
        C: &[("Београд", "11000"), ("Нови Сад", "21000"), ("Ниш", "18000")],
        S: &["Кнез Михаилова", "Булевар ослобођења"]),
    locale!("el-GR", "Greece", "+30",
        F: &[("Ελένη", "eleni"), ("Μαρία", "maria"), ("Αικατερίνη", "aikaterini")],
        M: &[("Γιώργος", "giorgos"), ("Δημήτρης", "dimitris"), ("Νικόλαος", "nikolaos")],
        L: &[("Παπαδόπουλος", "papadopoulos"), ("Οικονόμου", "oikonomou"), ("Καραγιάννης", "karagiannis")],
        LF: &[("Παπαδοπούλου", "papadopoulou"), ("Οικονόμου", "oikonomou"), ("Καραγιάννη", "karagianni")],
        C: &[("Αθήνα", "105 52"), ("Θεσσαλονίκη", "546 21"), ("Πάτρα", "262 21")],
        S: &["Οδός Ερμού", "Λεωφόρος Βασιλίσσης Σοφίας"]),
    locale!("ar-AE", "United Arab Emirates", "+971",
        F: &[("فاطمة", "fatima"), ("ليلى", "layla"), ("مريم", "maryam")],
        M: &[("محمد", "mohammed"), ("عمر", "omar"), ("يوسف", "youssef")],
        L: AE_FAMILY, LF: AE_FAMILY,
        C: &[("دبي", "00000"), ("أبو ظبي", "00000"), ("الشارقة", "00000")],
        S: &["شارع الشيخ زايد", "شارع الوصل"]),
    locale!("he-IL", "Israel", "+972",
        F: &[("נועה", "noa"), ("תמר", "tamar"), ("מיכל", "michal")],
        M: &[("יונתן", "yonatan"), ("איתי", "itai"), ("אריאל", "ariel")],
        L: IL_FAMILY, LF: IL_FAMILY,
        C: &[("תל אביב-יפו", "6100000"), ("ירושלים", "9100000"), ("חיפה", "3100000")],
        S: &["רחוב הרצל", "שדרות רוטשילד"]),
    locale!("zh-CN", "China", "+86",
        F: &[("芳", "fang"), ("秀英", "xiuying"), ("静怡", "jingyi")],
        M: &[("伟", "wei"), ("浩然", "haoran"), ("子轩", "zixuan")],
        L: CN_FAMILY, LF: CN_FAMILY,
        C: &[("北京市", "100000"), ("上海市", "200000"), ("深圳市", "518000")],
        S: &["长安街", "南京路", "人民路"]),
    locale!("ja-JP", "Japan", "+81",
        F: &[("陽菜", "hina"), ("さくら", "sakura"), ("美咲", "misaki")],
        M: &[("翔太", "shota"), ("健", "ken"), ("大輝", "daiki")],
        L: JP_FAMILY, LF: JP_FAMILY,
        C: &[("東京都", "100-0001"), ("大阪市", "530-0001"), ("札幌市", "060-0001")],
        S: &["銀座通り", "本町通り"]),
    locale!("ko-KR", "South Korea", "+82",
        F: &[("서연", "seoyeon"), ("지우", "jiwoo"), ("하은", "haeun")],
        M: &[("민준", "minjun"), ("도윤", "doyun"), ("시우", "siwoo")],
        L: KR_FAMILY, LF: KR_FAMILY,
        C: &[("서울특별시", "04524"), ("부산광역시", "48058"), ("대구광역시", "41911")],
        S: &["세종대로", "테헤란로"]),
    locale!("hi-IN", "India", "+91",
        F: &[("प्रिया", "priya"), ("अनन्या", "ananya"), ("दीपिका", "deepika")],
        M: &[("राहुल", "rahul"), ("अर्जुन", "arjun"), ("विक्रम", "vikram")],
        L: IN_FAMILY, LF: IN_FAMILY,
        C: &[("नई दिल्ली", "110001"), ("मुंबई", "400001"), ("जयपुर", "302001")],
        S: &["महात्मा गांधी मार्ग", "राजपथ"]),
    locale!("th-TH", "Thailand", "+66",
        F: &[("สมศรี", "somsri"), ("มาลี", "mali")],
        M: &[("สมชาย", "somchai"), ("ธนา", "thana")],
        L: TH_FAMILY, LF: TH_FAMILY,
        C: &[("กรุงเทพมหานคร", "10200"), ("เชียงใหม่", "50000")],
        S: &["ถนนสุขุมวิท", "ถนนสีลม"]),
    locale!("ka-GE", "Georgia", "+995",
        F: &[("ნინო", "nino"), ("თამარ", "tamar")],
        M: &[("გიორგი", "giorgi"), ("ლევან", "levan")],
        L: GE_FAMILY, LF: GE_FAMILY,
        C: &[("თბილისი", "0105"), ("ბათუმი", "6000")],
        S: &["რუსთაველის გამზირი", "აღმაშენებლის გამზირი"]),
    locale!("en-IE", "Ireland", "+353",
        F: &[("Siobhán", "siobhan"), ("Aoife", "aoife"), ("Mary-Kate", "mary-kate")],
        M: &[("Seán", "sean"), ("Pádraig", "padraig"), ("Cian", "cian")],
        L: IE_FAMILY, LF: IE_FAMILY,
        C: &[("Dublin", "D02 X285"), ("Cork", "T12 W8F2"), ("Galway", "H91 E2K4")],
        S: &["O'Connell Street", "Grafton Street"]),
];
