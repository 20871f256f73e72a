//! Slugs: turning names and headings into URL path segments and fragment ids.

/// Lower-cased words joined by `-`, keeping letters of every script: used for heading ids and
/// file-name slugs, where a Cyrillic heading should stay readable (`#переговоры-в-женеве`).
pub fn slugify_keep_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '_'
            || c == '-'
            || c.is_whitespace()
            || c.is_ascii_punctuation()
            || !c.is_alphanumeric()
        {
            dash = true;
        }
    }
    out
}

/// An ASCII slug through transliteration (`Иван Петров` → `ivan-petrov`): used for people,
/// outlets, tags and stories, so that their URLs are the same whichever script a name was
/// written in, and safe on every host. Falls back to the Unicode slug when nothing is left.
pub fn slugify_ascii(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let slug = slugify_keep_unicode(&ascii);
    if slug.is_empty() {
        slugify_keep_unicode(s)
    } else {
        slug
    }
}

/// A key under which spellings of one name meet: transliterated by the rules of `lang` (the
/// language the name is written in, when known: see [`romanize`]), lower-case, letters and
/// digits only, words separated by one space. `Анна Ковалёва` (ru) and `Anna Kovaleva` share
/// `anna kovaleva`.
pub fn name_key(s: &str, lang: Option<&str>) -> String {
    name_slug(s, lang).replace('-', " ")
}

/// A key for one spelling, in its own script: lower-case words separated by one space
/// (`Ярина Бондар` → `ярина бондар`). The same spelling credited in articles of two languages
/// is one person, whatever each language's romanization makes of it.
pub fn spelling_key(s: &str) -> String {
    slugify_keep_unicode(s).replace('-', " ")
}

/// The ASCII slug of a person's name written in `lang`: `Ярина Бондар` (uk) → `yaryna-bondar`,
/// `Анна Ковалёва` (ru) → `anna-kovaleva`. Falls back to the Unicode slug when nothing is left.
pub fn name_slug(s: &str, lang: Option<&str>) -> String {
    let slug = slugify_keep_unicode(&romanize(s, lang));
    if slug.is_empty() {
        slugify_keep_unicode(s)
    } else {
        slug
    }
}

/// A Cyrillic alphabet with its own romanization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cyrillic {
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
    /// Belarusian.
    Be,
    /// Bulgarian.
    Bg,
    /// Serbian.
    Sr,
    /// Kazakh.
    Kk,
}

impl Cyrillic {
    /// The table for a language code (`uk`, `uk-UA`), if it has one.
    pub fn for_lang(lang: &str) -> Option<Cyrillic> {
        Some(
            match lang.split(['-', '_']).next()?.to_ascii_lowercase().as_str() {
                "ru" => Self::Ru,
                "uk" => Self::Uk,
                "be" => Self::Be,
                "bg" => Self::Bg,
                "sr" => Self::Sr,
                "kk" => Self::Kk,
                _ => return None,
            },
        )
    }

    /// The lower-case Cyrillic letters of the alphabet.
    fn letters(self) -> &'static str {
        match self {
            Self::Ru => "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            Self::Uk => "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
            Self::Be => "абвгґдеёжзійклмнопрстуўфхцчшыьэюя",
            Self::Bg => "абвгдежзийклмнопрстуфхцчшщъьюя",
            Self::Sr => "абвгдђежзијклљмнњопрстћуфхцчџш",
            Self::Kk => "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
        }
    }

    /// Whether every Cyrillic letter of `s` belongs to this alphabet.
    fn fits(self, s: &str) -> bool {
        let letters = self.letters();
        s.chars()
            .flat_map(char::to_lowercase)
            .filter(|c| is_cyrillic(*c))
            .all(|c| letters.contains(c))
    }

    /// The alphabet a name is written in: the language's own when the name fits it, otherwise a
    /// guess from the letters only some alphabets have (Russian when nothing tells).
    pub fn of(s: &str, lang: Option<&str>) -> Cyrillic {
        if let Some(t) = lang.and_then(Self::for_lang)
            && t.fits(s)
        {
            return t;
        }
        let has = |set: &str| {
            s.chars()
                .flat_map(char::to_lowercase)
                .any(|c| set.contains(c))
        };
        let guess = if has("ђјљњћџ") {
            Self::Sr
        } else if has("ў") {
            Self::Be
        } else if has("әғқңөұүһ") {
            Self::Kk
        } else if has("ґєї") {
            Self::Uk
        } else if has("і") {
            if has("ыэё") { Self::Be } else { Self::Uk }
        } else {
            Self::Ru
        };
        if guess.fits(s) {
            guess
        } else {
            [Self::Ru, Self::Uk, Self::Be, Self::Kk, Self::Sr, Self::Bg]
                .into_iter()
                .find(|t| t.fits(s))
                .unwrap_or(Self::Ru)
        }
    }

    fn vowels(self) -> &'static str {
        match self {
            Self::Uk => "аеєиіїоуюя",
            Self::Be => "аеёіоуыэюя",
            Self::Kk => "аәеёиоөуұүыіэюя",
            _ => "аеёиоуыэюя",
        }
    }

    /// The Latin letters for `t[i]`, a lower-case Cyrillic letter, in its context.
    fn letter(self, t: &[char], i: usize) -> &'static str {
        let c = t[i];
        let prev = i.checked_sub(1).map(|j| t[j]);
        let next = t.get(i + 1).copied();
        let ends_word = |k: usize| t.get(k).is_none_or(|n| !n.is_alphabetic());
        // At the start of a word (an apostrophe inside a word is not a start).
        let first = prev.is_none_or(|p| !p.is_alphabetic() && !is_apostrophe(p));
        // At the start of a word, or after a vowel, a sign, ў or an apostrophe.
        let initial = first
            || prev.is_some_and(|p| {
                self.vowels().contains(p) || matches!(p, 'ь' | 'ъ' | 'ў') || is_apostrophe(p)
            });
        match self {
            // Ukrainian national system (Cabinet of Ministers resolution 55, 2010): the first form
            // of є, ї, й, ю, я only at the start of a word; зг is zgh.
            Self::Uk => match c {
                'г' if prev == Some('з') => "gh",
                'г' => "h",
                'ґ' => "g",
                'е' => "e",
                'є' => pick(first, "ye", "ie"),
                'и' => "y",
                'і' => "i",
                'ї' => pick(first, "yi", "i"),
                'й' => pick(first, "y", "i"),
                'ь' => "",
                'ю' => pick(first, "yu", "iu"),
                'я' => pick(first, "ya", "ia"),
                _ => common(c),
            },
            // Belarusian: the national system in ASCII, as passports write it (Sviatlana,
            // Tsikhanouskaya, Aliaksandr): е, ё, ю, я are ye, yo, yu, ya at the start of a word
            // and after a vowel, ў, ь or apostrophe, else ie, io, iu, ia.
            Self::Be => match c {
                'г' => "h",
                'ґ' => "g",
                'е' => pick(initial, "ye", "ie"),
                'ё' => pick(initial, "yo", "io"),
                'і' => "i",
                'й' => pick(first, "y", "i"),
                'ў' => "u",
                'ю' => pick(initial, "yu", "iu"),
                'я' => pick(initial, "ya", "ia"),
                _ => common(c),
            },
            // Bulgarian: the official Streamlined System (2009); -ия at the end of a word is -ia.
            Self::Bg => match c {
                'е' => "e",
                'х' => "h",
                'щ' => "sht",
                'ъ' => "a",
                'ь' => "y",
                'я' if prev == Some('и') && ends_word(i + 1) => "a",
                _ => common(c),
            },
            // Serbian: Gaj's Latin alphabet, the letters with diacritics folded as English
            // writes them (Ђоковић → Djokovic, Вучић → Vucic).
            Self::Sr => match c {
                'ђ' => "dj",
                'е' => "e",
                'ж' => "z",
                'ј' => "j",
                'љ' => "lj",
                'њ' => "nj",
                'ћ' | 'ц' | 'ч' => "c",
                'џ' => "dz",
                'ш' => "s",
                'х' => "h",
                _ => common(c),
            },
            // Kazakh: as Kazakh names are written in English (Tokayev, Nursultan, Yerbol).
            Self::Kk => match c {
                'ә' => "a",
                'ғ' => "g",
                'қ' => "k",
                'ң' => "ng",
                'ө' => "o",
                'ұ' | 'ү' => "u",
                'һ' => "h",
                'і' => "i",
                'е' => pick(initial, "ye", "e"),
                _ => common(c),
            },
            // Russian: an English-language romanization in the manner of BGN/PCGN, as the
            // English press writes names: е (and ё) is ye at the start of a word and after a
            // vowel or a sign, else e (Ковалёва → Kovaleva, Андреев → Andreyev); -ий and -ый at
            // the end of a word are -y (Дмитрий → Dmitry); signs are dropped.
            Self::Ru => match c {
                'е' | 'ё' => pick(initial, "ye", "e"),
                'и' | 'ы' if next == Some('й') && ends_word(i + 2) => "y",
                'й' if matches!(prev, Some('и' | 'ы')) && ends_word(i + 1) => "",
                _ => common(c),
            },
        }
    }
}

/// The letters most Cyrillic alphabets romanize alike (the Russian values).
fn common(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => deunicode::deunicode_char(c).unwrap_or(""),
    }
}

fn pick(cond: bool, a: &'static str, b: &'static str) -> &'static str {
    if cond { a } else { b }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{52f}').contains(&c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// A name in Latin letters, lower-case: Cyrillic by the table of its language ([`Cyrillic::of`]),
/// every other script through `deunicode`. Written by hand because no maintained crate knows
/// the national systems of Ukrainian, Belarusian, Bulgarian and Kazakh side by side with an
/// English-language Russian one; `deunicode` reads all Cyrillic as Russian (Ярина → iarina).
pub fn romanize(s: &str, lang: Option<&str>) -> String {
    if !s.chars().any(is_cyrillic) {
        return deunicode::deunicode(s).to_lowercase();
    }
    let table = Cyrillic::of(s, lang);
    let t: Vec<char> = s.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in t.iter().enumerate() {
        if is_cyrillic(c) {
            out.push_str(table.letter(&t, i));
        } else if is_apostrophe(c)
            && i > 0
            && is_cyrillic(t[i - 1])
            && t.get(i + 1).is_some_and(|&n| is_cyrillic(n))
        {
            // The apostrophe inside a Ukrainian or Belarusian word (Мар'яна) is not written.
        } else {
            out.push_str(&deunicode::deunicode_char(c).unwrap_or("").to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_slugs_stay_readable() {
        assert_eq!(
            slugify_keep_unicode("Переговоры в Женеве"),
            "переговоры-в-женеве"
        );
        assert_eq!(slugify_keep_unicode("  Hello, World!  "), "hello-world");
        assert_eq!(slugify_keep_unicode("Café — the end"), "café-the-end");
    }

    #[test]
    fn ascii_slugs_transliterate() {
        assert_eq!(slugify_ascii("Иван Петров"), "ivan-petrov");
        assert_eq!(slugify_ascii("Ivan Petrov"), "ivan-petrov");
        assert!(!slugify_ascii("محمد").is_empty());
        assert_eq!(
            name_key("Иван Петров", None),
            name_key("ivan petrov", Some("en"))
        );
    }

    fn slug(name: &str, lang: &str) -> String {
        name_slug(name, Some(lang))
    }

    #[test]
    fn ukrainian_national_system() {
        // Examples of the 2010 official table.
        for (uk, latin) in [
            ("Ярина Бондар", "yaryna-bondar"),
            ("Алушта", "alushta"),
            ("Борщагівка", "borshchahivka"),
            ("Згорани", "zghorany"),
            ("Розгон", "rozghon"),
            ("Гадяч", "hadiach"),
            ("Ґалаґан", "galagan"),
            ("Єнакієве", "yenakiieve"),
            ("Гаєвич", "haievych"),
            ("Короп'є", "koropie"),
            ("Їжакевич", "yizhakevych"),
            ("Кадиївка", "kadyivka"),
            ("Мар'їне", "marine"),
            ("Йосипівка", "yosypivka"),
            ("Стрий", "stryi"),
            ("Олексій", "oleksii"),
            ("Юрій", "yurii"),
            ("Корюківка", "koriukivka"),
            ("Яготин", "yahotyn"),
            ("Костянтин", "kostiantyn"),
            ("Знам'янка", "znamianka"),
            ("Феодосія", "feodosiia"),
            ("Шостка", "shostka"),
            ("Щербухи", "shcherbukhy"),
            ("Гоща", "hoshcha"),
            ("Русь", "rus"),
            ("Львів", "lviv"),
            ("Тарас Гнатюк", "taras-hnatiuk"),
            ("Катерина Лисенко", "kateryna-lysenko"),
        ] {
            assert_eq!(slug(uk, "uk"), latin, "{uk}");
        }
    }

    #[test]
    fn russian_english_romanization() {
        for (ru, latin) in [
            ("Анна Ковалёва", "anna-kovaleva"),
            ("Илья Громов", "ilya-gromov"),
            ("Екатерина Лысенко", "yekaterina-lysenko"),
            ("Дмитрий Муратов", "dmitry-muratov"),
            ("Андреев", "andreyev"),
            ("Юрьевич", "yuryevich"),
            ("Щукин", "shchukin"),
            ("Хабаровск", "khabarovsk"),
            ("Цветаева", "tsvetayeva"),
            ("Подъячев", "podyachev"),
            ("Дарья Эйдельман", "darya-eydelman"),
            ("Горький", "gorky"),
            ("Красный", "krasny"),
            ("Сергей Лавров", "sergey-lavrov"),
        ] {
            assert_eq!(slug(ru, "ru"), latin, "{ru}");
        }
    }

    #[test]
    fn other_cyrillic_languages() {
        for (lang, name, latin) in [
            ("be", "Святлана Ціханоўская", "sviatlana-tsikhanouskaya"),
            ("be", "Аляксандр Лукашэнка", "aliaksandr-lukashenka"),
            ("be", "Гомель", "homiel"),
            ("be", "Ева", "yeva"),
            ("bg", "Христо Стоичков", "hristo-stoichkov"),
            ("bg", "София", "sofia"),
            ("bg", "Търговище", "targovishte"),
            ("bg", "Ясен", "yasen"),
            ("sr", "Новак Ђоковић", "novak-djokovic"),
            ("sr", "Александар Вучић", "aleksandar-vucic"),
            ("sr", "Љубљана", "ljubljana"),
            ("sr", "Његош", "njegos"),
            ("sr", "Џаја", "dzaja"),
            ("kk", "Нұрсұлтан Назарбаев", "nursultan-nazarbayev"),
            ("kk", "Қасым-Жомарт Тоқаев", "kasym-zhomart-tokayev"),
            ("kk", "Ербол", "yerbol"),
        ] {
            assert_eq!(slug(name, lang), latin, "{lang} {name}");
        }
    }

    #[test]
    fn the_alphabet_is_guessed_when_the_language_does_not_say() {
        // Letters only Ukrainian has, in an English article or with no language at all.
        assert_eq!(slug("Ілля Громов", "en"), "illia-hromov");
        assert_eq!(name_slug("Їжакевич", None), "yizhakevych");
        // Belarusian ў, Serbian ђ, Kazakh қ.
        assert_eq!(name_slug("Ціханоўская", None), "tsikhanouskaya");
        assert_eq!(name_slug("Ђоковић", None), "djokovic");
        assert_eq!(name_slug("Тоқаев", None), "tokayev");
        // Russian otherwise.
        assert_eq!(name_slug("Анна Ковалёва", None), "anna-kovaleva");
        // A name that does not fit the article's language is read in the alphabet it fits:
        // a Ukrainian name with і in a Russian article.
        assert_eq!(slug("Ілля Громов", "ru"), "illia-hromov");
        // Regional subtags.
        assert_eq!(slug("Ярина Бондар", "uk-UA"), "yaryna-bondar");
    }

    #[test]
    fn other_scripts_and_mixed_names() {
        assert_eq!(slug("Agnieszka Wróbel", "pl"), "agnieszka-wrobel");
        assert_eq!(slug("Miriam Keßler", "de"), "miriam-kessler");
        assert!(!slug("ليلى حداد", "ar").is_empty());
        assert_eq!(slug("Ярина Bondar", "uk"), "yaryna-bondar");
        assert_eq!(slug("O'Brien", "en"), "o-brien");
        assert_eq!(name_slug("", None), "");
    }

    #[test]
    fn keys_meet_across_scripts() {
        assert_eq!(
            name_key("Анна Ковалёва", Some("ru")),
            name_key("Anna Kovaleva", Some("en"))
        );
        assert_eq!(
            name_key("Ярина Бондар", Some("uk")),
            name_key("Yaryna Bondar", None)
        );
        assert_eq!(spelling_key("  Ярина   Бондар "), "ярина бондар");
    }
}
