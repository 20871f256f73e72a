//! Benchmark corpus generator: a deterministic site of realistic translated-news articles.
//!
//! ```text
//! cargo run --release --example corpus -- --n 10000 --out DIR --seed 1 [--minify true|false] [--related N]
//! ```
//!
//! Writes `DIR/site.toml` and `DIR/content/<lang>/<yyyy>/<slug>.md` (an existing `DIR/content` is
//! replaced). The same `--n` and `--seed` always give byte-identical files: everything comes from one
//! `ChaCha8Rng` seeded from `--seed`, and nothing depends on the clock, the environment or hash
//! iteration order.
//!
//! The text is assembled from phrase tables written for this file (nothing copied), in six languages
//! (en ~70 %, ru, uk, de, fr, es), 600–1,200 words per article, with `##` headings, emphasis, strong
//! emphasis, links to `https://example.net/…`, block quotes, bulleted lists, straight double-quoted
//! quotes and footnotes. Articles belong to one of ten topics, so that tags, running stories and the
//! words of the text agree with each other (related reading has something real to find).
//!
//! Front matter keys: `title`, `kicker`, `description`, `date` (RFC 3339 with the offset of the
//! language's newsroom, 2022–2024), `lang`, `authors` (1–3 from ~300 people), `translators` (1–2 from
//! ~150), `source` {name, url, lang, published} (outlets from a pool of 40, each with its language),
//! `tags` (2–6 from ~200, Zipf-like skew), `story` (about a third of the articles, from a pool of
//! stories of ~20 articles each) and, for translation pairs whose original is also in the site,
//! `translation_of: <lang>/<yyyy>/<slug>.md`. An article has `translators` if and only if it has
//! `source`; originals published by the site itself have neither.
//!
//! One thread decides the articles in order from the seeded stream (that is what keeps the bytes
//! fixed); rayon's threads turn them into files through a bounded queue, so that a million
//! articles stream to disk in a few minutes with flat memory (~140 MiB).
//!
//! Argument parsing is hand-written (three flags and two options) to keep the example free of
//! dependencies beyond `rand`, `rand_chacha` and `rayon`.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::iter::{ParallelBridge, ParallelIterator};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{SyncSender, sync_channel};

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

/// What to generate (also used by `tests/determinism.rs`, which includes this file).
pub(crate) struct Args {
    pub(crate) n: usize,
    pub(crate) out: PathBuf,
    pub(crate) seed: u64,
    pub(crate) minify: bool,
    pub(crate) related: usize,
}

const USAGE: &str = "usage: corpus --n N --out DIR [--seed S] [--minify true|false] [--related N]";

fn parse_args() -> Result<Args, String> {
    let mut n = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut minify = true;
    let mut related = 3usize;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((a, b)) => (a.to_string(), Some(b.to_string())),
            None => (flag.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Err(USAGE.to_string());
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?,
        };
        let bad = |what: &str| format!("{name}: {what}, got {value:?}\n{USAGE}");
        match name.as_str() {
            "--n" => {
                n = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| bad("expected a number"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(&value)),
            "--seed" => seed = value.parse().map_err(|_| bad("expected a number"))?,
            "--minify" => {
                minify = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad("expected true or false")),
                }
            }
            "--related" => related = value.parse().map_err(|_| bad("expected a number"))?,
            _ => return Err(format!("unknown option {name}\n{USAGE}")),
        }
    }
    Ok(Args {
        n: n.ok_or_else(|| format!("--n is required\n{USAGE}"))?,
        out: out.ok_or_else(|| format!("--out is required\n{USAGE}"))?,
        seed,
        minify,
        related,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(stats) => {
            println!(
                "corpus: {} articles ({}) in {}, {} words, {} with a story, {} translated from outlets, {} translation pairs",
                stats.articles,
                stats
                    .per_lang
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{} {}", LANGS[i].code, c))
                    .collect::<Vec<_>>()
                    .join(", "),
                args.out.display(),
                stats.words,
                stats.with_story,
                stats.from_outlets,
                stats.pairs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Language tables
// ---------------------------------------------------------------------------------------------

const NTOPICS: usize = 10;
const BASE_URL: &str = "https://corpus.example.org/";
const SITE_TITLE: &str = "Corpus";

/// Everything needed to write in one language. Subjects are stored as they appear mid-sentence
/// (the generator capitalises the first letter of every sentence); all subjects are plural so that
/// the verb tables agree with every one of them; objects are in the case a transitive verb takes.
///
/// Sentence templates use `{s}` subject, `{V}` verb, `{O}` topic object, `{A}` adverbial,
/// `{C}` connector, `{N}` a large number, `{n}` a small number (5–9), `{P}` a place, `{L}` "in <place>"
/// with the place inflected as the language needs, `{Y}` a past year, `{Q}` a quotation, `{W}` who
/// said it.
struct Lx {
    code: &'static str,
    name: &'static str,
    /// Share of the single (unpaired) articles written in this language.
    weight: f64,
    /// Probability that a single article in this language is a translation of an outside outlet.
    p_translated: f64,
    /// Minutes east of UTC in winter and in summer.
    offsets: (i32, i32),
    thousands: &'static str,
    subjects: &'static [&'static str],
    verbs: &'static [&'static str],
    adverbials: &'static [&'static str],
    connectors: &'static [&'static str],
    templates: &'static [&'static str],
    title_templates: &'static [&'static str],
    headings: &'static [&'static str],
    kickers: &'static [&'static str],
    quotes: &'static [&'static str],
    quote_fmt: &'static str,
    attributions: &'static [&'static str],
    list_intros: &'static [&'static str],
    blockquote_intros: &'static [&'static str],
    footnotes: &'static [&'static str],
    loc_fmt: &'static str,
    story_fmt: &'static str,
    topics: [&'static [&'static str]; NTOPICS],
    story_events: [[&'static str; 2]; NTOPICS],
    /// Outlet name patterns for outlets publishing in this language (`{P}` is a place).
    outlet_patterns: &'static [&'static str],
}

const EN: Lx = Lx {
    code: "en",
    name: "English",
    weight: 71.0,
    p_translated: 0.8,
    offsets: (0, 60),
    thousands: ",",
    subjects: &[
        "the ministry",
        "local officials",
        "the regional government",
        "opposition lawmakers",
        "residents",
        "independent experts",
        "the city council",
        "prosecutors",
        "activists",
        "company executives",
        "trade unions",
        "the central bank",
        "journalists",
        "doctors",
        "farmers",
        "teachers",
        "volunteers",
        "investigators",
        "diplomats",
        "analysts",
        "human rights groups",
        "regulators",
        "the authorities",
        "several deputies",
        "environmental groups",
    ],
    verbs: &[
        "announced",
        "rejected",
        "criticised",
        "welcomed",
        "questioned",
        "postponed",
        "demanded",
        "approved",
        "blocked",
        "investigated",
        "defended",
        "warned about",
        "called for",
        "proposed",
        "challenged",
        "signed off on",
        "published",
        "revised",
        "opposed",
        "debated",
    ],
    adverbials: &[
        "on Tuesday",
        "last week",
        "earlier this month",
        "after months of talks",
        "despite strong objections",
        "without public consultation",
        "behind closed doors",
        "for the first time in years",
        "in a late-night session",
        "amid growing pressure",
        "at short notice",
        "in an open letter",
        "during a press briefing",
        "ahead of the winter",
        "in a rare show of unity",
        "under a new law",
    ],
    connectors: &[
        "However,",
        "Meanwhile,",
        "At the same time,",
        "According to local media,",
        "In response,",
        "Earlier,",
        "Still,",
        "As a result,",
        "By contrast,",
        "In the meantime,",
        "Even so,",
        "Later,",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {s} {V} {O}.",
        "{s} {L} {V} {O}, {A}.",
        "{C} {s} {L} {V} {O} {A}.",
        "According to official figures, about {N} people were affected {L}.",
        "The plan would cost around {N} million euros over {n} years.",
        "The decision affects roughly {N} households {L}.",
        "It was not the first time that {s} {V} {O}.",
        "Critics say that {O} will do little for ordinary people {L}.",
        "Support for the initiative fell by {n} percentage points in {Y}.",
        "{s} did not respond to a request for comment.",
        "The figures could not be independently verified.",
        "Nobody {L} expected such rapid change.",
        "{s} have spent {n} months preparing {O}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} {L} {V} {O}", "Why {s} {V} {O}"],
    headings: &[
        "What happened",
        "Why it matters",
        "The reaction",
        "Behind the numbers",
        "A long history",
        "What comes next",
        "Voices from the ground",
        "The official line",
        "Money and power",
        "The view from {P}",
        "Unanswered questions",
        "A divided response",
        "How we got here",
        "Who is affected",
    ],
    kickers: &[
        "Deep concerns",
        "Behind closed doors",
        "Under pressure",
        "Explainer",
        "Analysis",
        "A long wait",
        "Investigation",
        "No easy answers",
        "Follow the money",
        "On the ground",
        "In their own words",
        "Running out of time",
        "Counting the cost",
        "Point of no return",
        "Fact check",
        "Breaking point",
        "A quiet victory",
        "Open questions",
        "Dispatch",
        "The long view",
    ],
    quotes: &[
        "We were never consulted about any of this",
        "Nobody has explained to us where the money went",
        "This decision will hurt the people who can least afford it",
        "We will keep working until every family has an answer",
        "The numbers simply do not add up",
        "We have asked for a meeting three times and heard nothing",
        "It is too early to say what this means for the region",
        "We knew this was coming, but not this fast",
        "Our members are tired of promises",
        "The law is clear, and it is being ignored",
        "People here are frightened, and they have every reason to be",
        "We are ready to talk, but not under these conditions",
    ],
    quote_fmt: "\"{Q},\" {W}.",
    attributions: &[
        "said {name}, a spokesperson for the ministry",
        "{name} told reporters",
        "said {name}, a local council member",
        "said {name}, an economist who has studied the region for years",
        "said {name}, head of a residents' association",
        "said {name}, a lawyer representing the families",
    ],
    list_intros: &[
        "The proposal includes:",
        "Among the main demands:",
        "What the documents show:",
        "Key points of the agreement:",
    ],
    blockquote_intros: &[
        "The statement read:",
        "In a written reply, the ministry said:",
        "The letter said:",
    ],
    footnotes: &[
        "The figures were provided by the regional statistics office.",
        "The report was published in {Y} and has not been updated since.",
        "{P} is one of the country's smallest regions.",
        "Translator's note: the original uses a colloquial term with no exact English equivalent.",
        "The ministry confirmed the numbers in a written reply.",
        "The original article was updated after publication.",
    ],
    loc_fmt: "in {P}",
    story_fmt: "{P} {E}",
    topics: [
        &[
            "the timing of the local elections",
            "a proposal to change the electoral law",
            "the new coalition agreement",
            "plans for a referendum on the constitution",
            "the rules on campaign financing",
            "the governor's reshuffle of the cabinet",
            "a bill limiting street protests",
            "the opposition's list of candidates",
        ],
        &[
            "the draft budget for next year",
            "a sharp rise in food prices",
            "new taxes on small businesses",
            "the planned pension reform",
            "the central bank's decision on interest rates",
            "a rescue package for the regional bank",
            "the minimum wage increase",
            "new rules for mortgage lending",
        ],
        &[
            "the new gas pipeline",
            "plans to close the coal plant",
            "a subsidy scheme for solar panels",
            "the long-term climate strategy",
            "emergency measures against wildfires",
            "the rising cost of heating",
            "the reconstruction of the power grid",
            "a ban on logging in the northern forests",
        ],
        &[
            "the verdict against the former mayor",
            "a corruption investigation into the port authority",
            "new powers for the police",
            "the conditions in the regional prison",
            "a law expanding online surveillance",
            "the appeal filed by the defence",
            "the case of the detained journalist",
            "the reform of the prosecutor's office",
        ],
        &[
            "the ceasefire agreement",
            "the exchange of prisoners",
            "new sanctions against the shipping companies",
            "the evacuation of border villages",
            "a plan to rebuild air defences",
            "aid deliveries to the front-line towns",
            "the mobilisation of reservists",
            "the talks on a peace framework",
        ],
        &[
            "the closure of the maternity ward",
            "a shortage of basic medicines",
            "the vaccination campaign for children",
            "the hospital modernisation programme",
            "higher pay for nurses",
            "the new rules on prescription drugs",
            "a study on mental health among teenagers",
            "the reform of emergency care",
        ],
        &[
            "the blocking of messaging apps",
            "a new law on foreign media",
            "the data leak at the tax service",
            "the licensing of online news sites",
            "a state programme for artificial intelligence",
            "rules on removing content from social networks",
            "the sale of the national broadcaster",
            "the cyberattack on the city's water utility",
        ],
        &[
            "the merger of rural schools",
            "new rules for foreign students",
            "the housing programme for young families",
            "the return of displaced residents",
            "a plan to cut bus routes to the villages",
            "the teaching of minority languages",
            "the shelter for homeless people",
            "free school meals",
        ],
        &[
            "the restoration of the old theatre",
            "the closure of the city museum",
            "the film festival's programme",
            "funding cuts for public libraries",
            "the renaming of streets in the old town",
            "a new stadium for the football club",
            "the return of looted paintings",
            "the monument in the central square",
        ],
        &[
            "the new tram line",
            "the clean-up of the river",
            "plans to build a waste incinerator",
            "the reconstruction of the railway bridge",
            "water restrictions during the drought",
            "a new park on the former factory site",
            "limits on fishing in the bay",
            "the expansion of the port",
        ],
    ],
    story_events: [
        ["election dispute", "coalition crisis"],
        ["budget crisis", "bank collapse"],
        ["pipeline dispute", "wildfire season"],
        ["corruption trial", "port authority case"],
        ["ceasefire talks", "border evacuation"],
        ["hospital closures", "medicine shortage"],
        ["messenger ban", "data leak"],
        ["school closures", "housing protests"],
        ["theatre restoration", "museum dispute"],
        ["tram line", "river clean-up"],
    ],
    outlet_patterns: &[
        "The {P} Herald",
        "{P} Daily",
        "The {P} Observer",
        "{P} Post",
        "The {P} Courier",
    ],
};

const RU: Lx = Lx {
    code: "ru",
    name: "Русский",
    weight: 10.0,
    p_translated: 0.3,
    offsets: (180, 180),
    thousands: " ",
    subjects: &[
        "власти",
        "местные чиновники",
        "депутаты от оппозиции",
        "жители",
        "независимые эксперты",
        "члены городского совета",
        "прокуроры",
        "активисты",
        "руководители компании",
        "профсоюзы",
        "журналисты",
        "врачи",
        "фермеры",
        "учителя",
        "волонтеры",
        "следователи",
        "дипломаты",
        "аналитики",
        "правозащитники",
        "региональные власти",
        "несколько депутатов",
        "экологи",
        "представители бизнеса",
    ],
    verbs: &[
        "отклонили",
        "раскритиковали",
        "одобрили",
        "поставили под сомнение",
        "отложили",
        "заблокировали",
        "поддержали",
        "предложили",
        "оспорили",
        "опубликовали",
        "пересмотрели",
        "обсудили",
        "защищали",
        "потребовали пересмотреть",
    ],
    adverbials: &[
        "во вторник",
        "на прошлой неделе",
        "в начале месяца",
        "после нескольких месяцев переговоров",
        "несмотря на возражения",
        "без общественного обсуждения",
        "за закрытыми дверями",
        "впервые за много лет",
        "на ночном заседании",
        "на фоне растущего давления",
        "в открытом письме",
        "на пресс-конференции",
        "перед началом зимы",
        "по новому закону",
    ],
    connectors: &[
        "Однако",
        "Тем временем",
        "В то же время",
        "По данным местных СМИ,",
        "В ответ",
        "Ранее",
        "Тем не менее",
        "В результате",
        "При этом",
        "Позднее",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {s} {V} {O}.",
        "{s} {L} {V} {O} {A}.",
        "{C} {s} {L} {V} {O}.",
        "По официальным данным, пострадали около {N} человек {L}.",
        "План обойдется примерно в {N} млн евро за {n} лет.",
        "Решение затрагивает около {N} семей {L}.",
        "{s} не ответили на запрос о комментарии.",
        "Эти данные не удалось независимо проверить.",
        "Поддержка инициативы в {Y} году снизилась на {n} процентных пунктов.",
        "Никто {L} не ожидал таких быстрых перемен.",
        "Уже не в первый раз {s} {V} {O}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} {L} {V} {O}", "Почему {s} {V} {O}"],
    headings: &[
        "Что произошло",
        "Почему это важно",
        "Реакция",
        "Что стоит за цифрами",
        "Долгая история",
        "Что будет дальше",
        "Голоса с мест",
        "Официальная позиция",
        "Деньги и власть",
        "Вопросы без ответов",
        "Как мы к этому пришли",
        "Кого это касается",
    ],
    kickers: &[
        "Глубокая обеспокоенность",
        "За закрытыми дверями",
        "Под давлением",
        "Объясняем",
        "Анализ",
        "Долгое ожидание",
        "Расследование",
        "Без простых ответов",
        "Кто платит",
        "С места событий",
        "Своими словами",
        "Время на исходе",
        "Цена вопроса",
        "Точка невозврата",
        "Проверка фактов",
        "Репортаж",
    ],
    quotes: &[
        "С нами никто ничего не обсуждал",
        "Никто так и не объяснил, куда ушли деньги",
        "Это решение ударит по тем, кто и так живет тяжелее всех",
        "Мы будем работать, пока каждая семья не получит ответ",
        "Цифры просто не сходятся",
        "Мы трижды просили о встрече и не получили ответа",
        "Пока рано говорить, что это значит для региона",
        "Люди здесь напуганы, и у них есть на то причины",
        "Мы готовы к диалогу, но не на таких условиях",
    ],
    quote_fmt: "\"{Q}\", — {W}.",
    attributions: &[
        "заявил представитель министерства",
        "сказал один из местных жителей",
        "отметил депутат городского совета",
        "пояснил экономист, попросивший не называть его имени",
        "сказал адвокат пострадавших семей",
    ],
    list_intros: &[
        "Проект предусматривает:",
        "Среди главных требований:",
        "Что показывают документы:",
        "Ключевые пункты соглашения:",
    ],
    blockquote_intros: &[
        "В заявлении говорится:",
        "В письменном ответе министерства сказано:",
    ],
    footnotes: &[
        "Данные предоставлены региональным управлением статистики.",
        "Доклад опубликован в {Y} году и с тех пор не обновлялся.",
        "{P} — один из самых маленьких регионов страны.",
        "Министерство подтвердило эти цифры в письменном ответе.",
        "Статья была дополнена после публикации.",
    ],
    loc_fmt: "в {P}",
    story_fmt: "{P}: {E}",
    topics: [
        &[
            "сроки местных выборов",
            "поправки к избирательному закону",
            "новое коалиционное соглашение",
            "планы референдума по конституции",
            "правила финансирования кампаний",
            "кадровые перестановки в правительстве",
            "законопроект об ограничении уличных акций",
            "список кандидатов от оппозиции",
        ],
        &[
            "проект бюджета на следующий год",
            "резкий рост цен на продукты",
            "новые налоги для малого бизнеса",
            "пенсионную реформу",
            "решение центробанка по ставке",
            "план спасения регионального банка",
            "повышение минимальной зарплаты",
            "новые правила ипотечного кредитования",
        ],
        &[
            "строительство нового газопровода",
            "планы закрыть угольную электростанцию",
            "программу субсидий на солнечные панели",
            "долгосрочную климатическую стратегию",
            "экстренные меры против лесных пожаров",
            "рост стоимости отопления",
            "восстановление энергосети",
            "запрет на вырубку северных лесов",
        ],
        &[
            "приговор бывшему мэру",
            "расследование коррупции в управлении порта",
            "новые полномочия полиции",
            "условия содержания в областной тюрьме",
            "закон о расширении слежки в интернете",
            "апелляцию защиты",
            "дело задержанного журналиста",
            "реформу прокуратуры",
        ],
        &[
            "соглашение о прекращении огня",
            "обмен пленными",
            "новые санкции против судоходных компаний",
            "эвакуацию приграничных сел",
            "план восстановления ПВО",
            "поставки помощи в прифронтовые города",
            "мобилизацию резервистов",
            "переговоры о мирном соглашении",
        ],
        &[
            "закрытие родильного отделения",
            "нехватку базовых лекарств",
            "кампанию вакцинации детей",
            "программу модернизации больниц",
            "повышение зарплат медсестрам",
            "новые правила продажи рецептурных препаратов",
            "исследование психического здоровья подростков",
            "реформу скорой помощи",
        ],
        &[
            "блокировку мессенджеров",
            "новый закон об иностранных СМИ",
            "утечку данных из налоговой службы",
            "лицензирование онлайн-изданий",
            "государственную программу по искусственному интеллекту",
            "правила удаления контента из соцсетей",
            "продажу национальной телекомпании",
            "кибератаку на городской водоканал",
        ],
        &[
            "объединение сельских школ",
            "новые правила для иностранных студентов",
            "жилищную программу для молодых семей",
            "возвращение вынужденных переселенцев",
            "план сократить автобусные маршруты в села",
            "преподавание языков меньшинств",
            "приют для бездомных",
            "бесплатное школьное питание",
        ],
        &[
            "реставрацию старого театра",
            "закрытие городского музея",
            "программу кинофестиваля",
            "сокращение финансирования библиотек",
            "переименование улиц в старом городе",
            "новый стадион для футбольного клуба",
            "возвращение похищенных картин",
            "памятник на центральной площади",
        ],
        &[
            "новую трамвайную линию",
            "очистку реки",
            "планы построить мусоросжигательный завод",
            "реконструкцию железнодорожного моста",
            "ограничения на воду во время засухи",
            "новый парк на месте бывшего завода",
            "ограничения на рыбалку в заливе",
            "расширение порта",
        ],
    ],
    story_events: [
        ["спор о выборах", "коалиционный кризис"],
        ["бюджетный кризис", "крах банка"],
        ["спор о газопроводе", "сезон пожаров"],
        ["коррупционный процесс", "дело портового управления"],
        ["переговоры о перемирии", "эвакуация с границы"],
        ["закрытие больниц", "дефицит лекарств"],
        ["блокировка мессенджеров", "утечка данных"],
        ["закрытие школ", "жилищные протесты"],
        ["реставрация театра", "спор о музее"],
        ["трамвайная линия", "очистка реки"],
    ],
    outlet_patterns: &["Vestnik {P}", "{P} Vedomosti", "Novaya {P}", "Gazeta {P}"],
};

const UK: Lx = Lx {
    code: "uk",
    name: "Українська",
    weight: 7.0,
    p_translated: 0.3,
    offsets: (120, 180),
    thousands: " ",
    subjects: &[
        "місцеві посадовці",
        "депутати від опозиції",
        "мешканці",
        "незалежні експерти",
        "члени міської ради",
        "прокурори",
        "активісти",
        "керівники компанії",
        "профспілки",
        "журналісти",
        "лікарі",
        "фермери",
        "вчителі",
        "волонтери",
        "слідчі",
        "дипломати",
        "аналітики",
        "правозахисники",
        "обласні чиновники",
        "екологи",
    ],
    verbs: &[
        "відхилили",
        "розкритикували",
        "схвалили",
        "поставили під сумнів",
        "відклали",
        "заблокували",
        "підтримали",
        "запропонували",
        "оскаржили",
        "оприлюднили",
        "переглянули",
        "обговорили",
    ],
    adverbials: &[
        "у вівторок",
        "минулого тижня",
        "на початку місяця",
        "після кількох місяців переговорів",
        "попри заперечення",
        "без громадського обговорення",
        "за зачиненими дверима",
        "вперше за багато років",
        "на нічному засіданні",
        "на тлі зростаючого тиску",
        "у відкритому листі",
        "на пресконференції",
        "перед початком зими",
        "згідно з новим законом",
    ],
    connectors: &[
        "Однак",
        "Тим часом",
        "Водночас",
        "За даними місцевих ЗМІ,",
        "У відповідь",
        "Раніше",
        "Проте",
        "У результаті",
        "Пізніше",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {s} {V} {O}.",
        "{s} {L} {V} {O} {A}.",
        "{C} {s} {L} {V} {O}.",
        "За офіційними даними, постраждали близько {N} людей {L}.",
        "План коштуватиме приблизно {N} млн євро за {n} років.",
        "Рішення стосується близько {N} родин {L}.",
        "{s} не відповіли на запит про коментар.",
        "Ці дані не вдалося незалежно перевірити.",
        "Підтримка ініціативи у {Y} році знизилася на {n} відсоткових пунктів.",
        "Ніхто {L} не очікував таких швидких змін.",
        "Уже не вперше {s} {V} {O}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} {L} {V} {O}", "Чому {s} {V} {O}"],
    headings: &[
        "Що сталося",
        "Чому це важливо",
        "Реакція",
        "Що стоїть за цифрами",
        "Довга історія",
        "Що буде далі",
        "Голоси з місць",
        "Офіційна позиція",
        "Гроші та влада",
        "Питання без відповідей",
        "Як ми до цього дійшли",
        "Кого це стосується",
    ],
    kickers: &[
        "Глибоке занепокоєння",
        "За зачиненими дверима",
        "Під тиском",
        "Пояснюємо",
        "Аналіз",
        "Довге очікування",
        "Розслідування",
        "Без простих відповідей",
        "Хто платить",
        "З місця подій",
        "Своїми словами",
        "Час спливає",
        "Ціна питання",
        "Точка неповернення",
        "Перевірка фактів",
        "Репортаж",
    ],
    quotes: &[
        "З нами ніхто нічого не обговорював",
        "Ніхто так і не пояснив, куди поділися гроші",
        "Це рішення вдарить по тих, кому й так найважче",
        "Ми працюватимемо, доки кожна родина не отримає відповідь",
        "Цифри просто не сходяться",
        "Ми тричі просили про зустріч і не отримали відповіді",
        "Поки що зарано казати, що це означає для регіону",
        "Люди тут налякані, і в них є на це причини",
        "Ми готові до діалогу, але не на таких умовах",
    ],
    quote_fmt: "\"{Q}\", — {W}.",
    attributions: &[
        "заявив представник міністерства",
        "сказав один із місцевих мешканців",
        "зазначив депутат міської ради",
        "пояснив економіст, який попросив не називати його імені",
        "сказав адвокат постраждалих родин",
    ],
    list_intros: &[
        "Проєкт передбачає:",
        "Серед головних вимог:",
        "Що показують документи:",
        "Ключові пункти угоди:",
    ],
    blockquote_intros: &[
        "У заяві йдеться:",
        "У письмовій відповіді міністерства сказано:",
    ],
    footnotes: &[
        "Дані надало обласне управління статистики.",
        "Доповідь опублікована у {Y} році й відтоді не оновлювалася.",
        "{P} — один із найменших регіонів країни.",
        "Міністерство підтвердило ці цифри в письмовій відповіді.",
        "Статтю доповнено після публікації.",
    ],
    loc_fmt: "у {P}",
    story_fmt: "{P}: {E}",
    topics: [
        &[
            "терміни місцевих виборів",
            "зміни до виборчого закону",
            "нову коаліційну угоду",
            "плани референдуму щодо конституції",
            "правила фінансування кампаній",
            "кадрові перестановки в уряді",
            "законопроєкт про обмеження вуличних акцій",
            "список кандидатів від опозиції",
        ],
        &[
            "проєкт бюджету на наступний рік",
            "різке зростання цін на продукти",
            "нові податки для малого бізнесу",
            "пенсійну реформу",
            "рішення центробанку щодо ставки",
            "план порятунку регіонального банку",
            "підвищення мінімальної зарплати",
            "нові правила іпотечного кредитування",
        ],
        &[
            "будівництво нового газопроводу",
            "плани закрити вугільну електростанцію",
            "програму субсидій на сонячні панелі",
            "довгострокову кліматичну стратегію",
            "екстрені заходи проти лісових пожеж",
            "зростання вартості опалення",
            "відновлення енергомережі",
            "заборону вирубки північних лісів",
        ],
        &[
            "вирок колишньому меру",
            "розслідування корупції в управлінні порту",
            "нові повноваження поліції",
            "умови утримання в обласній в'язниці",
            "закон про розширення стеження в інтернеті",
            "апеляцію захисту",
            "справу затриманого журналіста",
            "реформу прокуратури",
        ],
        &[
            "угоду про припинення вогню",
            "обмін полоненими",
            "нові санкції проти судноплавних компаній",
            "евакуацію прикордонних сіл",
            "план відновлення ППО",
            "постачання допомоги в прифронтові міста",
            "мобілізацію резервістів",
            "переговори про мирну угоду",
        ],
        &[
            "закриття пологового відділення",
            "нестачу базових ліків",
            "кампанію вакцинації дітей",
            "програму модернізації лікарень",
            "підвищення зарплат медсестрам",
            "нові правила продажу рецептурних препаратів",
            "дослідження психічного здоров'я підлітків",
            "реформу екстреної допомоги",
        ],
        &[
            "блокування месенджерів",
            "новий закон про іноземні ЗМІ",
            "витік даних з податкової служби",
            "ліцензування онлайн-видань",
            "державну програму зі штучного інтелекту",
            "правила видалення контенту із соцмереж",
            "продаж національної телекомпанії",
            "кібератаку на міський водоканал",
        ],
        &[
            "об'єднання сільських шкіл",
            "нові правила для іноземних студентів",
            "житлову програму для молодих сімей",
            "повернення внутрішньо переміщених осіб",
            "план скоротити автобусні маршрути до сіл",
            "викладання мов меншин",
            "притулок для безхатьків",
            "безкоштовне шкільне харчування",
        ],
        &[
            "реставрацію старого театру",
            "закриття міського музею",
            "програму кінофестивалю",
            "скорочення фінансування бібліотек",
            "перейменування вулиць у старому місті",
            "новий стадіон для футбольного клубу",
            "повернення викрадених картин",
            "пам'ятник на центральній площі",
        ],
        &[
            "нову трамвайну лінію",
            "очищення річки",
            "плани збудувати сміттєспалювальний завод",
            "реконструкцію залізничного мосту",
            "обмеження води під час посухи",
            "новий парк на місці колишнього заводу",
            "обмеження риболовлі в затоці",
            "розширення порту",
        ],
    ],
    story_events: [
        ["суперечка про вибори", "коаліційна криза"],
        ["бюджетна криза", "крах банку"],
        ["суперечка про газопровід", "сезон пожеж"],
        ["корупційний процес", "справа портового управління"],
        ["переговори про перемир'я", "евакуація з кордону"],
        ["закриття лікарень", "дефіцит ліків"],
        ["блокування месенджерів", "витік даних"],
        ["закриття шкіл", "житлові протести"],
        ["реставрація театру", "суперечка про музей"],
        ["трамвайна лінія", "очищення річки"],
    ],
    outlet_patterns: &["Dzerkalo {P}", "{P} Pravda", "Visti {P}", "{P} Online"],
};

const DE: Lx = Lx {
    code: "de",
    name: "Deutsch",
    weight: 5.0,
    p_translated: 0.5,
    offsets: (60, 120),
    thousands: ".",
    subjects: &[
        "die Behörden",
        "lokale Beamte",
        "Oppositionspolitiker",
        "Anwohner",
        "unabhängige Fachleute",
        "die Stadtverordneten",
        "Staatsanwälte",
        "Aktivisten",
        "Führungskräfte des Konzerns",
        "die Gewerkschaften",
        "Journalisten",
        "Ärzte",
        "Landwirte",
        "Lehrkräfte",
        "Freiwillige",
        "Ermittler",
        "Diplomaten",
        "Analysten",
        "Menschenrechtsgruppen",
        "mehrere Abgeordnete",
        "Umweltverbände",
    ],
    verbs: &[
        "kritisierten",
        "begrüßten",
        "verschoben",
        "forderten",
        "billigten",
        "blockierten",
        "untersuchten",
        "verteidigten",
        "unterstützten",
        "veröffentlichten",
        "überarbeiteten",
        "bestritten",
        "diskutierten",
        "stoppten",
    ],
    adverbials: &[
        "am Dienstag",
        "in der vergangenen Woche",
        "Anfang des Monats",
        "nach monatelangen Verhandlungen",
        "trotz heftiger Einwände",
        "ohne öffentliche Anhörung",
        "hinter verschlossenen Türen",
        "zum ersten Mal seit Jahren",
        "in einer nächtlichen Sitzung",
        "unter wachsendem Druck",
        "in einem offenen Brief",
        "auf einer Pressekonferenz",
        "vor dem Winter",
        "auf Grundlage eines neuen Gesetzes",
    ],
    connectors: &[
        "Allerdings",
        "Unterdessen",
        "Gleichzeitig",
        "Laut lokalen Medien",
        "Daraufhin",
        "Zuvor",
        "Dennoch",
        "Infolgedessen",
        "Später",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {V} {s} {O}.",
        "{A} {V} {s} {O}.",
        "{s} {L} {V} {O} {A}.",
        "Nach offiziellen Angaben waren etwa {N} Menschen {L} betroffen.",
        "Der Plan würde rund {N} Millionen Euro über {n} Jahre kosten.",
        "Die Entscheidung betrifft rund {N} Haushalte {L}.",
        "{s} reagierten nicht auf eine Bitte um Stellungnahme.",
        "Die Zahlen ließen sich nicht unabhängig überprüfen.",
        "Die Zustimmung sank im Jahr {Y} um {n} Prozentpunkte.",
        "Niemand {L} hatte mit so schnellen Veränderungen gerechnet.",
        "Es war nicht das erste Mal, dass {s} {O} {V}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} {L} {V} {O}", "Warum {s} {O} {V}"],
    headings: &[
        "Was geschah",
        "Warum es wichtig ist",
        "Die Reaktionen",
        "Hinter den Zahlen",
        "Eine lange Geschichte",
        "Wie es weitergeht",
        "Stimmen vor Ort",
        "Die offizielle Linie",
        "Geld und Macht",
        "Offene Fragen",
        "Wie es dazu kam",
        "Wer betroffen ist",
    ],
    kickers: &[
        "Große Sorge",
        "Hinter verschlossenen Türen",
        "Unter Druck",
        "Erklärt",
        "Analyse",
        "Langes Warten",
        "Recherche",
        "Keine einfachen Antworten",
        "Wer zahlt",
        "Vor Ort",
        "In eigenen Worten",
        "Die Zeit läuft ab",
        "Was es kostet",
        "Faktencheck",
        "Reportage",
    ],
    quotes: &[
        "Niemand hat uns jemals dazu gefragt",
        "Bis heute hat uns niemand erklärt, wohin das Geld geflossen ist",
        "Diese Entscheidung trifft genau die Menschen, die sich am wenigsten wehren können",
        "Die Zahlen passen einfach nicht zusammen",
        "Wir haben dreimal um ein Treffen gebeten und nie eine Antwort bekommen",
        "Es ist zu früh, um zu sagen, was das für die Region bedeutet",
        "Die Menschen hier haben Angst, und sie haben allen Grund dazu",
        "Wir sind zu Gesprächen bereit, aber nicht unter diesen Bedingungen",
    ],
    quote_fmt: "\"{Q}\", {W}.",
    attributions: &[
        "sagte {name} aus dem Gemeinderat",
        "sagte {name} gegenüber Journalisten",
        "erklärte {name} von einer Anwohnerinitiative",
        "sagte {name} vom Ministerium",
    ],
    list_intros: &[
        "Der Entwurf sieht vor:",
        "Zu den wichtigsten Forderungen gehören:",
        "Was die Dokumente zeigen:",
        "Die Kernpunkte der Vereinbarung:",
    ],
    blockquote_intros: &[
        "In der Erklärung heißt es:",
        "In einer schriftlichen Antwort des Ministeriums heißt es:",
    ],
    footnotes: &[
        "Die Zahlen stammen vom regionalen Statistikamt.",
        "Der Bericht erschien {Y} und wurde seitdem nicht aktualisiert.",
        "{P} ist eine der kleinsten Regionen des Landes.",
        "Das Ministerium bestätigte die Zahlen schriftlich.",
        "Der Artikel wurde nach der Veröffentlichung ergänzt.",
    ],
    loc_fmt: "in {P}",
    story_fmt: "{P}: {E}",
    topics: [
        &[
            "den Termin der Kommunalwahlen",
            "die Änderung des Wahlrechts",
            "den neuen Koalitionsvertrag",
            "die Pläne für ein Verfassungsreferendum",
            "die Regeln zur Wahlkampffinanzierung",
            "die Kabinettsumbildung des Gouverneurs",
            "ein Gesetz zur Einschränkung von Straßenprotesten",
            "die Kandidatenliste der Opposition",
        ],
        &[
            "den Haushaltsentwurf für das kommende Jahr",
            "den starken Anstieg der Lebensmittelpreise",
            "neue Steuern für kleine Betriebe",
            "die geplante Rentenreform",
            "die Zinsentscheidung der Zentralbank",
            "ein Rettungspaket für die Regionalbank",
            "die Erhöhung des Mindestlohns",
            "neue Regeln für Hypothekenkredite",
        ],
        &[
            "die neue Gaspipeline",
            "die Pläne zur Stilllegung des Kohlekraftwerks",
            "ein Förderprogramm für Solaranlagen",
            "die langfristige Klimastrategie",
            "Notmaßnahmen gegen Waldbrände",
            "die steigenden Heizkosten",
            "den Wiederaufbau des Stromnetzes",
            "ein Abholzungsverbot in den nördlichen Wäldern",
        ],
        &[
            "das Urteil gegen den früheren Bürgermeister",
            "Korruptionsermittlungen gegen die Hafenbehörde",
            "neue Befugnisse für die Polizei",
            "die Haftbedingungen im Regionalgefängnis",
            "ein Gesetz zur Ausweitung der Internetüberwachung",
            "die Berufung der Verteidigung",
            "den Fall des festgenommenen Journalisten",
            "die Reform der Staatsanwaltschaft",
        ],
        &[
            "das Waffenstillstandsabkommen",
            "den Gefangenenaustausch",
            "neue Sanktionen gegen Reedereien",
            "die Evakuierung der Grenzdörfer",
            "einen Plan zum Wiederaufbau der Luftabwehr",
            "Hilfslieferungen in die Frontstädte",
            "die Mobilisierung von Reservisten",
            "die Gespräche über ein Friedensabkommen",
        ],
        &[
            "die Schließung der Geburtsstation",
            "den Mangel an Grundmedikamenten",
            "die Impfkampagne für Kinder",
            "das Programm zur Modernisierung der Krankenhäuser",
            "höhere Löhne für Pflegekräfte",
            "die neuen Regeln für verschreibungspflichtige Medikamente",
            "eine Studie zur psychischen Gesundheit von Jugendlichen",
            "die Reform der Notfallversorgung",
        ],
        &[
            "die Sperrung von Messenger-Diensten",
            "ein neues Gesetz über ausländische Medien",
            "das Datenleck bei der Steuerbehörde",
            "die Lizenzierung von Online-Medien",
            "ein staatliches Programm für künstliche Intelligenz",
            "Regeln zum Löschen von Inhalten in sozialen Netzwerken",
            "den Verkauf des staatlichen Senders",
            "den Cyberangriff auf die städtischen Wasserwerke",
        ],
        &[
            "die Zusammenlegung von Dorfschulen",
            "neue Regeln für ausländische Studierende",
            "das Wohnungsprogramm für junge Familien",
            "die Rückkehr der Vertriebenen",
            "einen Plan zur Streichung von Buslinien",
            "den Unterricht in Minderheitensprachen",
            "die Notunterkunft für Obdachlose",
            "kostenloses Schulessen",
        ],
        &[
            "die Restaurierung des alten Theaters",
            "die Schließung des Stadtmuseums",
            "das Programm des Filmfestivals",
            "Kürzungen bei den öffentlichen Bibliotheken",
            "die Umbenennung von Straßen in der Altstadt",
            "ein neues Stadion für den Fußballverein",
            "die Rückgabe geraubter Gemälde",
            "das Denkmal auf dem Hauptplatz",
        ],
        &[
            "die neue Straßenbahnlinie",
            "die Sanierung des Flusses",
            "die Pläne für eine Müllverbrennungsanlage",
            "den Wiederaufbau der Eisenbahnbrücke",
            "Wasserbeschränkungen während der Dürre",
            "einen neuen Park auf dem früheren Fabrikgelände",
            "Fangbeschränkungen in der Bucht",
            "den Ausbau des Hafens",
        ],
    ],
    story_events: [
        ["Wahlstreit", "Koalitionskrise"],
        ["Haushaltskrise", "Bankenpleite"],
        ["Pipeline-Streit", "Waldbrandsaison"],
        ["Korruptionsprozess", "Hafenaffäre"],
        ["Waffenstillstandsgespräche", "Evakuierung der Grenzregion"],
        ["Klinikschließungen", "Medikamentenmangel"],
        ["Messenger-Verbot", "Datenleck"],
        ["Schulschließungen", "Wohnungsproteste"],
        ["Theatersanierung", "Museumsstreit"],
        ["Straßenbahnprojekt", "Flusssanierung"],
    ],
    outlet_patterns: &[
        "{P}er Zeitung",
        "{P}er Rundschau",
        "Tagesblatt {P}",
        "{P}er Anzeiger",
    ],
};

const FR: Lx = Lx {
    code: "fr",
    name: "Français",
    weight: 4.0,
    p_translated: 0.5,
    offsets: (60, 120),
    thousands: " ",
    subjects: &[
        "les autorités",
        "les responsables locaux",
        "les députés de l'opposition",
        "les habitants",
        "des experts indépendants",
        "les conseillers municipaux",
        "les procureurs",
        "des militants",
        "les dirigeants de l'entreprise",
        "les syndicats",
        "des journalistes",
        "les médecins",
        "les agriculteurs",
        "les enseignants",
        "des bénévoles",
        "les enquêteurs",
        "les diplomates",
        "les analystes",
        "les défenseurs des droits humains",
        "plusieurs élus",
        "les associations écologistes",
    ],
    verbs: &[
        "ont annoncé",
        "ont rejeté",
        "ont critiqué",
        "ont salué",
        "ont remis en cause",
        "ont reporté",
        "ont exigé",
        "ont approuvé",
        "ont bloqué",
        "ont défendu",
        "ont proposé",
        "ont contesté",
        "ont publié",
        "ont révisé",
        "ont soutenu",
    ],
    adverbials: &[
        "mardi",
        "la semaine dernière",
        "au début du mois",
        "après des mois de négociations",
        "malgré de vives objections",
        "sans consultation publique",
        "à huis clos",
        "pour la première fois depuis des années",
        "lors d'une séance nocturne",
        "sous une pression croissante",
        "dans une lettre ouverte",
        "lors d'une conférence de presse",
        "avant l'hiver",
        "en vertu d'une nouvelle loi",
    ],
    connectors: &[
        "Cependant,",
        "Entre-temps,",
        "Dans le même temps,",
        "Selon les médias locaux,",
        "En réponse,",
        "Auparavant,",
        "Pourtant,",
        "En conséquence,",
        "Plus tard,",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {s} {V} {O}.",
        "{s} {L} {V} {O} {A}.",
        "{C} {s} {L} {V} {O}.",
        "Selon les chiffres officiels, environ {N} personnes ont été touchées {L}.",
        "Le projet coûterait quelque {N} millions d'euros sur {n} ans.",
        "La décision concerne près de {N} foyers {L}.",
        "{s} n'ont pas répondu à une demande de commentaire.",
        "Ces chiffres n'ont pas pu être vérifiés de manière indépendante.",
        "Le soutien à cette initiative a reculé de {n} points en {Y}.",
        "Personne {L} ne s'attendait à des changements aussi rapides.",
        "Ce n'est pas la première fois que {s} {V} {O}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} de {P} {V} {O}", "Pourquoi {s} {V} {O}"],
    headings: &[
        "Ce qui s'est passé",
        "Pourquoi c'est important",
        "Les réactions",
        "Derrière les chiffres",
        "Une longue histoire",
        "Et maintenant",
        "Paroles de terrain",
        "La position officielle",
        "L'argent et le pouvoir",
        "Questions sans réponse",
        "Comment en est-on arrivé là",
        "Qui est concerné",
    ],
    kickers: &[
        "Vive inquiétude",
        "À huis clos",
        "Sous pression",
        "Décryptage",
        "Analyse",
        "Une longue attente",
        "Enquête",
        "Pas de réponse simple",
        "Qui paie",
        "Sur le terrain",
        "Avec leurs mots",
        "Le temps presse",
        "Le prix à payer",
        "Vérification",
        "Reportage",
    ],
    quotes: &[
        "Personne ne nous a jamais consultés",
        "Personne ne nous a expliqué où est passé l'argent",
        "Cette décision va frapper ceux qui peuvent le moins se le permettre",
        "Les chiffres ne tiennent tout simplement pas",
        "Nous avons demandé une réunion trois fois, sans réponse",
        "Il est trop tôt pour dire ce que cela signifie pour la région",
        "Les gens ici ont peur, et ils ont toutes les raisons d'avoir peur",
        "Nous sommes prêts à discuter, mais pas à ces conditions",
    ],
    quote_fmt: "\"{Q}\", {W}.",
    attributions: &[
        "a déclaré {name}, porte-parole du ministère",
        "a expliqué {name}, économiste",
        "a confié {name} aux journalistes",
        "selon {name}, membre d'une association de riverains",
    ],
    list_intros: &[
        "Le projet prévoit :",
        "Parmi les principales revendications :",
        "Ce que montrent les documents :",
        "Les points clés de l'accord :",
    ],
    blockquote_intros: &[
        "Le communiqué indique :",
        "Dans une réponse écrite, le ministère précise :",
    ],
    footnotes: &[
        "Les chiffres ont été fournis par l'office régional de la statistique.",
        "Le rapport a été publié en {Y} et n'a pas été mis à jour depuis.",
        "{P} est l'une des plus petites régions du pays.",
        "Le ministère a confirmé ces chiffres dans une réponse écrite.",
        "L'article a été complété après sa publication.",
    ],
    loc_fmt: "à {P}",
    story_fmt: "{P} : {E}",
    topics: [
        &[
            "le calendrier des élections locales",
            "un projet de réforme de la loi électorale",
            "le nouvel accord de coalition",
            "le projet de référendum constitutionnel",
            "les règles de financement des campagnes",
            "le remaniement du gouvernement régional",
            "un texte limitant les manifestations",
            "la liste des candidats de l'opposition",
        ],
        &[
            "le projet de budget pour l'an prochain",
            "la forte hausse des prix alimentaires",
            "de nouvelles taxes sur les petites entreprises",
            "la réforme des retraites",
            "la décision de la banque centrale sur les taux",
            "un plan de sauvetage de la banque régionale",
            "la hausse du salaire minimum",
            "de nouvelles règles pour les crédits immobiliers",
        ],
        &[
            "le nouveau gazoduc",
            "la fermeture prévue de la centrale à charbon",
            "un programme d'aides pour les panneaux solaires",
            "la stratégie climatique à long terme",
            "des mesures d'urgence contre les incendies",
            "la hausse du coût du chauffage",
            "la reconstruction du réseau électrique",
            "l'interdiction des coupes dans les forêts du nord",
        ],
        &[
            "le verdict contre l'ancien maire",
            "une enquête pour corruption visant l'autorité portuaire",
            "de nouveaux pouvoirs pour la police",
            "les conditions de détention dans la prison régionale",
            "une loi élargissant la surveillance en ligne",
            "l'appel déposé par la défense",
            "le dossier du journaliste détenu",
            "la réforme du parquet",
        ],
        &[
            "l'accord de cessez-le-feu",
            "l'échange de prisonniers",
            "de nouvelles sanctions contre les armateurs",
            "l'évacuation des villages frontaliers",
            "un plan de reconstruction de la défense aérienne",
            "les livraisons d'aide aux villes du front",
            "la mobilisation des réservistes",
            "les pourparlers sur un accord de paix",
        ],
        &[
            "la fermeture de la maternité",
            "la pénurie de médicaments de base",
            "la campagne de vaccination des enfants",
            "le programme de modernisation des hôpitaux",
            "la revalorisation des infirmières",
            "les nouvelles règles sur les médicaments sur ordonnance",
            "une étude sur la santé mentale des adolescents",
            "la réforme des urgences",
        ],
        &[
            "le blocage des messageries",
            "une nouvelle loi sur les médias étrangers",
            "la fuite de données du fisc",
            "l'octroi de licences aux sites d'information",
            "un programme public d'intelligence artificielle",
            "les règles de retrait des contenus sur les réseaux sociaux",
            "la vente de la chaîne publique",
            "la cyberattaque contre le service des eaux",
        ],
        &[
            "la fusion des écoles rurales",
            "de nouvelles règles pour les étudiants étrangers",
            "le programme de logement pour les jeunes familles",
            "le retour des déplacés",
            "un plan de suppression de lignes de bus",
            "l'enseignement des langues minoritaires",
            "le centre d'hébergement pour les sans-abri",
            "la cantine scolaire gratuite",
        ],
        &[
            "la restauration du vieux théâtre",
            "la fermeture du musée municipal",
            "la programmation du festival de cinéma",
            "la baisse des crédits des bibliothèques",
            "le changement de nom des rues de la vieille ville",
            "un nouveau stade pour le club de football",
            "la restitution de tableaux pillés",
            "le monument de la place centrale",
        ],
        &[
            "la nouvelle ligne de tramway",
            "la dépollution de la rivière",
            "le projet d'incinérateur",
            "la reconstruction du pont ferroviaire",
            "les restrictions d'eau pendant la sécheresse",
            "un nouveau parc sur l'ancien site industriel",
            "les limites de pêche dans la baie",
            "l'agrandissement du port",
        ],
    ],
    story_events: [
        ["crise électorale", "crise de coalition"],
        ["crise budgétaire", "faillite de la banque"],
        ["bataille du gazoduc", "saison des incendies"],
        ["procès pour corruption", "affaire du port"],
        [
            "négociations de cessez-le-feu",
            "évacuation de la frontière",
        ],
        ["fermetures d'hôpitaux", "pénurie de médicaments"],
        ["blocage des messageries", "fuite de données"],
        ["fermetures d'écoles", "manifestations pour le logement"],
        ["restauration du théâtre", "querelle du musée"],
        ["ligne de tramway", "dépollution de la rivière"],
    ],
    outlet_patterns: &[
        "Le Journal de {P}",
        "La Gazette de {P}",
        "Le Courrier de {P}",
        "L'Écho de {P}",
    ],
};

const ES: Lx = Lx {
    code: "es",
    name: "Español",
    weight: 3.0,
    p_translated: 0.5,
    offsets: (60, 120),
    thousands: ".",
    subjects: &[
        "las autoridades",
        "los funcionarios locales",
        "los diputados de la oposición",
        "los vecinos",
        "expertos independientes",
        "los concejales",
        "los fiscales",
        "varios activistas",
        "los directivos de la empresa",
        "los sindicatos",
        "los periodistas",
        "los médicos",
        "los agricultores",
        "los docentes",
        "los voluntarios",
        "los investigadores",
        "los diplomáticos",
        "los analistas",
        "las organizaciones de derechos humanos",
        "varios diputados",
        "los grupos ecologistas",
    ],
    verbs: &[
        "anunciaron",
        "rechazaron",
        "criticaron",
        "celebraron",
        "cuestionaron",
        "aplazaron",
        "exigieron",
        "aprobaron",
        "bloquearon",
        "defendieron",
        "propusieron",
        "impugnaron",
        "publicaron",
        "revisaron",
        "respaldaron",
    ],
    adverbials: &[
        "el martes",
        "la semana pasada",
        "a principios de mes",
        "tras meses de negociaciones",
        "pese a las fuertes objeciones",
        "sin consulta pública",
        "a puerta cerrada",
        "por primera vez en años",
        "en una sesión nocturna",
        "ante la creciente presión",
        "en una carta abierta",
        "en una rueda de prensa",
        "antes del invierno",
        "en virtud de una nueva ley",
    ],
    connectors: &[
        "Sin embargo,",
        "Mientras tanto,",
        "Al mismo tiempo,",
        "Según medios locales,",
        "En respuesta,",
        "Antes,",
        "Aun así,",
        "Como resultado,",
        "Más tarde,",
    ],
    templates: &[
        "{s} {V} {O} {A}.",
        "{C} {s} {V} {O}.",
        "{s} {L} {V} {O} {A}.",
        "{C} {s} {L} {V} {O}.",
        "Según cifras oficiales, unas {N} personas se vieron afectadas {L}.",
        "El plan costaría unos {N} millones de euros en {n} años.",
        "La decisión afecta a cerca de {N} hogares {L}.",
        "{s} no respondieron a una solicitud de comentarios.",
        "Las cifras no pudieron ser verificadas de forma independiente.",
        "El apoyo a la iniciativa cayó {n} puntos en {Y}.",
        "Nadie {L} esperaba cambios tan rápidos.",
        "No es la primera vez que {s} {V} {O}.",
    ],
    title_templates: &["{s} {V} {O}", "{s} de {P} {V} {O}", "Por qué {s} {V} {O}"],
    headings: &[
        "Qué pasó",
        "Por qué importa",
        "Las reacciones",
        "Detrás de las cifras",
        "Una larga historia",
        "Qué viene ahora",
        "Voces desde el terreno",
        "La versión oficial",
        "Dinero y poder",
        "Preguntas sin respuesta",
        "Cómo llegamos aquí",
        "A quién afecta",
    ],
    kickers: &[
        "Profunda preocupación",
        "A puerta cerrada",
        "Bajo presión",
        "Claves",
        "Análisis",
        "Una larga espera",
        "Investigación",
        "Sin respuestas fáciles",
        "Quién paga",
        "Sobre el terreno",
        "En sus palabras",
        "Se acaba el tiempo",
        "El precio",
        "Verificación",
        "Crónica",
    ],
    quotes: &[
        "Nadie nos consultó nunca",
        "Nadie nos ha explicado adónde fue el dinero",
        "Esta decisión golpeará a quienes menos pueden permitírselo",
        "Las cifras simplemente no cuadran",
        "Pedimos una reunión tres veces y nunca nos respondieron",
        "Es demasiado pronto para decir qué significa esto para la región",
        "La gente aquí tiene miedo, y tiene motivos",
        "Estamos dispuestos a dialogar, pero no en estas condiciones",
    ],
    quote_fmt: "\"{Q}\", {W}.",
    attributions: &[
        "dijo {name}, portavoz del ministerio",
        "explicó {name}, economista",
        "dijo {name} a los periodistas",
        "según {name}, miembro de una asociación vecinal",
    ],
    list_intros: &[
        "El proyecto prevé:",
        "Entre las principales demandas:",
        "Lo que muestran los documentos:",
        "Los puntos clave del acuerdo:",
    ],
    blockquote_intros: &[
        "El comunicado dice:",
        "En una respuesta por escrito, el ministerio afirma:",
    ],
    footnotes: &[
        "Las cifras fueron facilitadas por la oficina regional de estadística.",
        "El informe se publicó en {Y} y no se ha actualizado desde entonces.",
        "{P} es una de las regiones más pequeñas del país.",
        "El ministerio confirmó las cifras en una respuesta por escrito.",
        "El artículo se amplió tras su publicación.",
    ],
    loc_fmt: "en {P}",
    story_fmt: "{P}: {E}",
    topics: [
        &[
            "el calendario de las elecciones locales",
            "una reforma de la ley electoral",
            "el nuevo acuerdo de coalición",
            "los planes de un referéndum constitucional",
            "las normas de financiación de campañas",
            "la remodelación del gobierno regional",
            "una ley que limita las protestas",
            "la lista de candidatos de la oposición",
        ],
        &[
            "el proyecto de presupuesto para el próximo año",
            "la fuerte subida de los precios de los alimentos",
            "nuevos impuestos a las pequeñas empresas",
            "la reforma de las pensiones",
            "la decisión del banco central sobre los tipos",
            "un rescate del banco regional",
            "la subida del salario mínimo",
            "nuevas normas para las hipotecas",
        ],
        &[
            "el nuevo gasoducto",
            "el cierre previsto de la central de carbón",
            "un programa de ayudas para paneles solares",
            "la estrategia climática a largo plazo",
            "medidas de emergencia contra los incendios",
            "el aumento del coste de la calefacción",
            "la reconstrucción de la red eléctrica",
            "la prohibición de talar los bosques del norte",
        ],
        &[
            "la sentencia contra el exalcalde",
            "una investigación por corrupción en la autoridad portuaria",
            "nuevas competencias para la policía",
            "las condiciones de la prisión regional",
            "una ley que amplía la vigilancia en internet",
            "el recurso presentado por la defensa",
            "el caso del periodista detenido",
            "la reforma de la fiscalía",
        ],
        &[
            "el acuerdo de alto el fuego",
            "el intercambio de prisioneros",
            "nuevas sanciones contra las navieras",
            "la evacuación de los pueblos fronterizos",
            "un plan para reconstruir la defensa antiaérea",
            "los envíos de ayuda a las ciudades del frente",
            "la movilización de reservistas",
            "las negociaciones de un acuerdo de paz",
        ],
        &[
            "el cierre de la sala de maternidad",
            "la escasez de medicamentos básicos",
            "la campaña de vacunación infantil",
            "el programa de modernización de hospitales",
            "la subida salarial de las enfermeras",
            "las nuevas normas sobre medicamentos con receta",
            "un estudio sobre la salud mental de los adolescentes",
            "la reforma de las urgencias",
        ],
        &[
            "el bloqueo de las aplicaciones de mensajería",
            "una nueva ley sobre medios extranjeros",
            "la filtración de datos de la agencia tributaria",
            "las licencias para medios digitales",
            "un programa estatal de inteligencia artificial",
            "las normas para retirar contenidos de las redes sociales",
            "la venta de la televisión pública",
            "el ciberataque contra el servicio de aguas",
        ],
        &[
            "la fusión de las escuelas rurales",
            "nuevas normas para estudiantes extranjeros",
            "el programa de vivienda para familias jóvenes",
            "el regreso de los desplazados",
            "un plan para recortar líneas de autobús",
            "la enseñanza de lenguas minoritarias",
            "el albergue para personas sin hogar",
            "los comedores escolares gratuitos",
        ],
        &[
            "la restauración del viejo teatro",
            "el cierre del museo municipal",
            "la programación del festival de cine",
            "los recortes a las bibliotecas públicas",
            "el cambio de nombre de calles del casco antiguo",
            "un nuevo estadio para el club de fútbol",
            "la devolución de cuadros saqueados",
            "el monumento de la plaza central",
        ],
        &[
            "la nueva línea de tranvía",
            "la limpieza del río",
            "los planes de una incineradora",
            "la reconstrucción del puente ferroviario",
            "las restricciones de agua durante la sequía",
            "un nuevo parque en la antigua fábrica",
            "los límites a la pesca en la bahía",
            "la ampliación del puerto",
        ],
    ],
    story_events: [
        ["disputa electoral", "crisis de coalición"],
        ["crisis presupuestaria", "quiebra del banco"],
        ["disputa del gasoducto", "temporada de incendios"],
        ["juicio por corrupción", "caso del puerto"],
        [
            "negociaciones de alto el fuego",
            "evacuación de la frontera",
        ],
        ["cierre de hospitales", "escasez de medicamentos"],
        ["bloqueo de mensajería", "filtración de datos"],
        ["cierre de escuelas", "protestas por la vivienda"],
        ["restauración del teatro", "disputa del museo"],
        ["línea de tranvía", "limpieza del río"],
    ],
    outlet_patterns: &[
        "El Diario de {P}",
        "La Voz de {P}",
        "El Heraldo de {P}",
        "Crónica de {P}",
    ],
};

const LANGS: [Lx; 6] = [EN, RU, UK, DE, FR, ES];
const L_EN: usize = 0;
const L_RU: usize = 1;
const L_UK: usize = 2;

fn cyrillic(lang: usize) -> bool {
    lang == L_RU || lang == L_UK
}

/// Tags per topic, most frequent first (the order is the Zipf rank within the topic).
const TOPIC_TAGS: [&[&str]; NTOPICS] = [
    &[
        "elections",
        "parliament",
        "opposition",
        "protests",
        "referendum",
        "coalition",
        "local government",
        "campaign finance",
        "constitution",
        "electoral reform",
        "political parties",
        "voter turnout",
        "presidency",
        "governors",
        "lobbying",
    ],
    &[
        "economy",
        "inflation",
        "budget",
        "taxes",
        "banking",
        "trade",
        "labour market",
        "pensions",
        "housing",
        "energy prices",
        "small business",
        "currency",
        "public debt",
        "wages",
        "privatisation",
    ],
    &[
        "energy",
        "climate",
        "gas",
        "oil",
        "renewables",
        "pipelines",
        "nuclear power",
        "wildfires",
        "drought",
        "floods",
        "emissions",
        "coal",
        "power grid",
        "heatwave",
        "forests",
    ],
    &[
        "courts",
        "corruption",
        "police",
        "prosecutors",
        "human rights",
        "censorship",
        "prisons",
        "investigations",
        "sentencing",
        "appeals",
        "surveillance",
        "lawyers",
        "extradition",
        "trials",
        "whistleblowers",
    ],
    &[
        "security",
        "sanctions",
        "military",
        "ceasefire",
        "refugees",
        "diplomacy",
        "border",
        "mobilisation",
        "drones",
        "peace talks",
        "veterans",
        "air defence",
        "humanitarian aid",
        "occupation",
        "prisoners of war",
    ],
    &[
        "health",
        "hospitals",
        "vaccines",
        "medicines",
        "doctors",
        "public health",
        "mental health",
        "epidemics",
        "nursing",
        "healthcare reform",
        "pharmaceuticals",
        "disability",
        "ageing",
        "nutrition",
        "tobacco",
    ],
    &[
        "media",
        "internet",
        "press freedom",
        "technology",
        "social media",
        "disinformation",
        "data protection",
        "artificial intelligence",
        "cybersecurity",
        "telecoms",
        "journalism",
        "startups",
        "internet blocking",
        "satellites",
        "software",
    ],
    &[
        "education",
        "migration",
        "schools",
        "universities",
        "families",
        "poverty",
        "transport",
        "rural life",
        "minorities",
        "language policy",
        "religion",
        "youth",
        "labour migration",
        "homelessness",
        "social policy",
    ],
    &[
        "culture",
        "cinema",
        "literature",
        "theatre",
        "music",
        "museums",
        "heritage",
        "art",
        "festivals",
        "books",
        "sport",
        "football",
        "architecture",
        "history",
        "memory",
    ],
    &[
        "cities",
        "urban planning",
        "public transport",
        "water",
        "air pollution",
        "waste",
        "infrastructure",
        "roads",
        "railways",
        "ports",
        "agriculture",
        "fishing",
        "wildlife",
        "rivers",
        "parks",
    ],
];

// Names. Latin-script cultures: first and last names; Cyrillic cultures: (Latin, Cyrillic[, female]).
const EN_FIRST: &[&str] = &[
    "James", "Mary", "Oliver", "Emma", "Daniel", "Grace", "Samuel", "Hannah", "Thomas", "Alice",
    "George", "Lucy", "Henry", "Clara", "Jack", "Sophie", "Peter", "Rachel", "Martin", "Laura",
    "David", "Helen", "Andrew", "Kate", "Simon", "Julia", "Michael", "Anna", "Robert", "Megan",
];
const EN_LAST: &[&str] = &[
    "Walker",
    "Bennett",
    "Hughes",
    "Carter",
    "Fletcher",
    "Morgan",
    "Reid",
    "Harper",
    "Sullivan",
    "Porter",
    "Lawson",
    "Marsh",
    "Holloway",
    "Pryce",
    "Gibson",
    "Ellis",
    "Sharp",
    "Turner",
    "Doyle",
    "Foster",
    "Kendall",
    "Barrow",
    "Whitaker",
    "Mercer",
    "Lang",
    "Ashby",
    "Collins",
    "Drake",
    "Finch",
    "Gallagher",
    "Hale",
    "Irving",
    "Keane",
    "Lowe",
    "Nash",
];
const DE_FIRST: &[&str] = &[
    "Jonas", "Lena", "Felix", "Miriam", "Lukas", "Katrin", "Tobias", "Sabine", "Matthias", "Jana",
    "Stefan", "Ulrike", "Florian", "Greta", "Moritz", "Anke",
];
const DE_LAST: &[&str] = &[
    "Becker", "Hoffmann", "Schäfer", "Krüger", "Wagner", "Neumann", "Brandt", "Vogel", "Lorenz",
    "Hartmann", "Seidel", "Franke", "Kühn", "Winter", "Jäger", "Albrecht",
];
const FR_FIRST: &[&str] = &[
    "Camille", "Julien", "Élise", "Mathieu", "Chloé", "Antoine", "Léa", "Nicolas", "Margaux",
    "Hugo", "Inès", "Olivier", "Claire", "Étienne", "Noémie", "Bastien",
];
const FR_LAST: &[&str] = &[
    "Lefèvre",
    "Moreau",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Mercier",
    "Blanchard",
    "Garnier",
    "Chevalier",
    "Faure",
    "Perrin",
    "Roussel",
    "Marchand",
];
const ES_FIRST: &[&str] = &[
    "Lucía", "Javier", "Carmen", "Diego", "Marta", "Pablo", "Elena", "Sergio", "Alba", "Andrés",
    "Nuria", "Rubén", "Irene", "Tomás", "Ainhoa", "Íñigo",
];
const ES_LAST: &[&str] = &[
    "García", "Moreno", "Navarro", "Romero", "Herrera", "Ortega", "Castillo", "Delgado", "Vega",
    "Serrano", "Molina", "Ibáñez", "Cabrera", "Prieto", "Muñoz", "Fuentes",
];
const RU_FIRST: &[(&str, &str, bool)] = &[
    ("Ivan", "Иван", false),
    ("Dmitry", "Дмитрий", false),
    ("Alexei", "Алексей", false),
    ("Sergei", "Сергей", false),
    ("Mikhail", "Михаил", false),
    ("Andrei", "Андрей", false),
    ("Pavel", "Павел", false),
    ("Nikolai", "Николай", false),
    ("Yegor", "Егор", false),
    ("Ilya", "Илья", false),
    ("Maxim", "Максим", false),
    ("Kirill", "Кирилл", false),
    ("Anna", "Анна", true),
    ("Maria", "Мария", true),
    ("Yelena", "Елена", true),
    ("Olga", "Ольга", true),
    ("Tatiana", "Татьяна", true),
    ("Natalia", "Наталья", true),
    ("Irina", "Ирина", true),
    ("Svetlana", "Светлана", true),
    ("Daria", "Дарья", true),
    ("Ksenia", "Ксения", true),
    ("Polina", "Полина", true),
    ("Yulia", "Юлия", true),
];
const RU_LAST: &[(&str, &str)] = &[
    ("Sokolov", "Соколов"),
    ("Volkov", "Волков"),
    ("Morozov", "Морозов"),
    ("Lebedev", "Лебедев"),
    ("Kozlov", "Козлов"),
    ("Novikov", "Новиков"),
    ("Orlov", "Орлов"),
    ("Belov", "Белов"),
    ("Zaitsev", "Зайцев"),
    ("Kuznetsov", "Кузнецов"),
    ("Pavlov", "Павлов"),
    ("Semyonov", "Семёнов"),
    ("Golubev", "Голубев"),
    ("Vinogradov", "Виноградов"),
    ("Bogdanov", "Богданов"),
    ("Vorobyov", "Воробьёв"),
    ("Frolov", "Фролов"),
    ("Tikhonov", "Тихонов"),
    ("Gusev", "Гусев"),
    ("Kiselyov", "Киселёв"),
    ("Belsky", "Бельский"),
    ("Zhukovsky", "Жуковский"),
    ("Chernykh", "Черных"),
    ("Sedykh", "Седых"),
    ("Ilyin", "Ильин"),
    ("Karpov", "Карпов"),
];
const UK_FIRST: &[(&str, &str, bool)] = &[
    ("Taras", "Тарас", false),
    ("Oleksandr", "Олександр", false),
    ("Andriy", "Андрій", false),
    ("Bohdan", "Богдан", false),
    ("Mykola", "Микола", false),
    ("Yurii", "Юрій", false),
    ("Dmytro", "Дмитро", false),
    ("Serhiy", "Сергій", false),
    ("Vasyl", "Василь", false),
    ("Ostap", "Остап", false),
    ("Oksana", "Оксана", true),
    ("Olena", "Олена", true),
    ("Iryna", "Ірина", true),
    ("Nataliya", "Наталія", true),
    ("Halyna", "Галина", true),
    ("Kateryna", "Катерина", true),
    ("Yuliia", "Юлія", true),
    ("Solomiia", "Соломія", true),
    ("Mariana", "Мар'яна", true),
    ("Viktoriia", "Вікторія", true),
];
const UK_LAST: &[(&str, &str)] = &[
    ("Kovalenko", "Коваленко"),
    ("Melnyk", "Мельник"),
    ("Bondarchuk", "Бондарчук"),
    ("Tkachenko", "Ткаченко"),
    ("Shevchuk", "Шевчук"),
    ("Lysenko", "Лисенко"),
    ("Marchenko", "Марченко"),
    ("Hnatiuk", "Гнатюк"),
    ("Kravets", "Кравець"),
    ("Savchuk", "Савчук"),
    ("Polishchuk", "Поліщук"),
    ("Rudenko", "Руденко"),
    ("Boiko", "Бойко"),
    ("Moroz", "Мороз"),
    ("Ponomarenko", "Пономаренко"),
    ("Kostenko", "Костенко"),
    ("Oliinyk", "Олійник"),
    ("Honchar", "Гончар"),
    ("Zaporozhets", "Запорожець"),
    ("Levchenko", "Левченко"),
];

/// Syllables for invented place names, in Latin and Cyrillic script.
const PLACE_START: &[(&str, &str)] = &[
    ("Val", "Вал"),
    ("Dor", "Дор"),
    ("Kre", "Кре"),
    ("Mir", "Мир"),
    ("Sta", "Ста"),
    ("Bel", "Бел"),
    ("Nov", "Нов"),
    ("Ost", "Ост"),
    ("Lin", "Лин"),
    ("Tar", "Тар"),
    ("Ver", "Вер"),
    ("Gor", "Гор"),
    ("Ran", "Ран"),
    ("Sel", "Сел"),
    ("Mar", "Мар"),
    ("Pol", "Пол"),
    ("Zar", "Зар"),
    ("Lev", "Лев"),
    ("Dan", "Дан"),
    ("Kor", "Кор"),
    ("Bra", "Бра"),
    ("Tis", "Тис"),
];
const PLACE_MID: &[(&str, &str)] = &[
    ("", ""),
    ("o", "о"),
    ("a", "а"),
    ("e", "е"),
    ("i", "и"),
    ("do", "до"),
    ("ro", "ро"),
    ("va", "ва"),
    ("le", "ле"),
    ("mi", "ми"),
];
const PLACE_END: &[(&str, &str)] = &[
    ("ria", "рия"),
    ("na", "на"),
    ("sk", "ск"),
    ("vo", "во"),
    ("grad", "град"),
    ("ets", "ец"),
    ("lin", "лин"),
    ("mar", "мар"),
    ("nia", "ния"),
    ("ka", "ка"),
];

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn zipf(n: usize, s: f64) -> Vec<f64> {
    (0..n).map(|i| 1.0 / ((i + 1) as f64).powf(s)).collect()
}

fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    pick_weighted_of(rng, weights, weights.iter().sum())
}

/// [`pick_weighted`] with the weights' sum given, for long tables that are summed once (the
/// running stories: one per 60 articles). `total` must be `weights.iter().sum()`, summed in that
/// order, so that the pick is the same to the last bit.
fn pick_weighted_of(rng: &mut ChaCha8Rng, weights: &[f64], total: f64) -> usize {
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty table")
}

fn capitalize_first(s: &str) -> String {
    // The first letter, skipping Markdown punctuation such as `**`, `*`, `[` or `"`.
    let mut out = String::with_capacity(s.len() + 2);
    match s.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((i, c)) => {
            out.push_str(&s[..i]);
            out.extend(c.to_uppercase());
            out.push_str(&s[i + c.len_utf8()..]);
        }
        None => out.push_str(s),
    }
    out
}

fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'є' => "ye",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'і' => "i",
        'ї' => "yi",
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
        'ъ' => "",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ß' => "ss",
        'œ' => "oe",
        'æ' => "ae",
        'ÿ' => "y",
        '\'' | '’' => "",
        _ => return None,
    })
}

/// ASCII slug: transliterated Cyrillic, diacritics dropped, `-` between words, at most `max_words`.
fn slugify(s: &str, max_words: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            cur.push(c);
        } else if let Some(t) = translit(c) {
            cur.push_str(t);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.truncate(max_words);
    words.join("-")
}

fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| yaml_str(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn format_thousands(n: u64, sep: &str) -> String {
    let digits = n.to_string();
    if n < 10_000 && sep == " " {
        return digits; // "2500", as Russian, Ukrainian and French style guides write four digits
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Dates (civil-from-days after Howard Hinnant; no date crate needed for a proleptic calendar)
// ---------------------------------------------------------------------------------------------

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A moment, shown in a language's newsroom time zone (summer time from April to October).
#[derive(Clone, Copy)]
struct When {
    utc: i64,
    lang: usize,
}

struct Local {
    year: i64,
    month: i64,
    day: i64,
    rfc3339: String,
}

impl When {
    fn local(self) -> Local {
        let (_, m, _) = civil_from_days(self.utc.div_euclid(86_400));
        let (winter, summer) = LANGS[self.lang].offsets;
        let off = if (4..=10).contains(&m) {
            summer
        } else {
            winter
        };
        let t = self.utc + off as i64 * 60;
        let (year, month, day) = civil_from_days(t.div_euclid(86_400));
        let secs = t.rem_euclid(86_400);
        let sign = if off < 0 { '-' } else { '+' };
        let rfc3339 = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            off.abs() / 60,
            off.abs() % 60
        );
        Local {
            year,
            month,
            day,
            rfc3339,
        }
    }
}

const START: i64 = days_from_civil(2022, 1, 1) * 86_400;
const END: i64 = days_from_civil(2025, 1, 1) * 86_400;

/// A publication time between 06:00 and 23:00 of the newsroom, rounded to five minutes.
fn publication_time(rng: &mut ChaCha8Rng, from: i64, to: i64) -> i64 {
    let day = rng.random_range(
        from.div_euclid(86_400)..to.div_euclid(86_400).max(from.div_euclid(86_400) + 1),
    );
    let minute = rng.random_range(5 * 12..22 * 12) * 5; // 05:00–22:00 UTC
    day * 86_400 + minute * 60
}

// ---------------------------------------------------------------------------------------------
// Pools: places, people, outlets, stories
// ---------------------------------------------------------------------------------------------

struct Place {
    latin: String,
    cyr: String,
}

impl Place {
    fn name(&self, lang: usize) -> &str {
        if cyrillic(lang) {
            &self.cyr
        } else {
            &self.latin
        }
    }

    /// The place as it follows the language's "in": Russian and Ukrainian inflect (в Вальдории).
    fn locative(&self, lang: usize) -> String {
        if !cyrillic(lang) {
            return self.latin.clone();
        }
        let s = &self.cyr;
        let ru = lang == L_RU;
        let stem = |n: usize| s.chars().take(s.chars().count() - n).collect::<String>();
        if s.ends_with("ия") {
            format!("{}{}", stem(2), if ru { "ии" } else { "ії" })
        } else if s.ends_with('а') {
            format!("{}{}", stem(1), if ru { "е" } else { "і" })
        } else if s.ends_with("ец") {
            format!("{}{}", stem(2), if ru { "це" } else { "ці" })
        } else if s.ends_with('о') {
            s.clone()
        } else {
            format!("{s}{}", if ru { "е" } else { "і" })
        }
    }
}

fn make_places(rng: &mut ChaCha8Rng, count: usize) -> Vec<Place> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while out.len() < count {
        let a = pick(rng, PLACE_START);
        let b = pick(rng, PLACE_MID);
        let c = pick(rng, PLACE_END);
        let latin = format!("{}{}{}", a.0, b.0, c.0);
        if seen.insert(latin.clone()) {
            out.push(Place {
                latin,
                cyr: format!("{}{}{}", a.1, b.1, c.1),
            });
        }
    }
    out
}

#[derive(Clone)]
struct Person {
    latin: String,
    cyr: Option<String>,
}

impl Person {
    fn name(&self, lang: usize) -> &str {
        match &self.cyr {
            Some(c) if cyrillic(lang) => c,
            _ => &self.latin,
        }
    }
}

fn feminine_ru(lat: &str, cyr: &str) -> (String, String) {
    if let Some(stem) = cyr.strip_suffix("ий") {
        (
            format!("{}aya", lat.trim_end_matches('y')),
            format!("{stem}ая"),
        )
    } else if cyr.ends_with("ых") {
        (lat.to_string(), cyr.to_string())
    } else {
        (format!("{lat}a"), format!("{cyr}а"))
    }
}

fn make_person(rng: &mut ChaCha8Rng, culture: usize) -> Person {
    let latin = |first: &[&str], last: &[&str], rng: &mut ChaCha8Rng| Person {
        latin: format!("{} {}", pick(rng, first), pick(rng, last)),
        cyr: None,
    };
    match culture {
        1 | 2 => {
            let (firsts, lasts) = if culture == 1 {
                (RU_FIRST, RU_LAST)
            } else {
                (UK_FIRST, UK_LAST)
            };
            let &(fl, fc, female) = pick(rng, firsts);
            let &(ll, lc) = pick(rng, lasts);
            let (ll, lc) = if female && culture == 1 {
                feminine_ru(ll, lc)
            } else {
                (ll.to_string(), lc.to_string())
            };
            Person {
                latin: format!("{fl} {ll}"),
                cyr: Some(format!("{fc} {lc}")),
            }
        }
        3 => latin(DE_FIRST, DE_LAST, rng),
        4 => latin(FR_FIRST, FR_LAST, rng),
        5 => latin(ES_FIRST, ES_LAST, rng),
        _ => latin(EN_FIRST, EN_LAST, rng),
    }
}

struct PeoplePool {
    seen: HashSet<String>,
}

impl PeoplePool {
    fn unique(&mut self, rng: &mut ChaCha8Rng, culture: usize) -> Person {
        loop {
            let p = make_person(rng, culture);
            if self.seen.insert(p.latin.clone()) {
                return p;
            }
        }
    }
}

struct Outlet {
    name: String,
    host: String,
    staff: Vec<Person>,
}

struct Story {
    topic: usize,
    event: usize,
    place: usize,
    from: i64,
    to: i64,
}

impl Story {
    fn name(&self, lang: usize, places: &[Place]) -> String {
        let lx = &LANGS[lang];
        let name = lx
            .story_fmt
            .replace("{P}", places[self.place].name(lang))
            .replace("{E}", lx.story_events[self.topic][self.event]);
        capitalize_first(&name)
    }
}

struct World {
    places: Vec<Place>,
    outlets: Vec<Outlet>,
    /// Outlet indices by language, most-cited first.
    outlets_by_lang: [Vec<usize>; 6],
    site_staff: [Vec<Person>; 6],
    translators: [Vec<Person>; 6],
    stories: Vec<Story>,
    /// Zipf weights of the stories and their sum, made once: a story is picked for a third of the
    /// articles, and summing ~16,000 weights each time made a million articles quadratic.
    story_weights: Vec<f64>,
    story_total: f64,
    tags: Vec<Vec<String>>,
    place_tags: Vec<String>,
}

fn build_world(rng: &mut ChaCha8Rng, n: usize) -> World {
    let places = make_places(rng, 50);
    let mut people = PeoplePool {
        seen: HashSet::new(),
    };

    // 40 outlets: the languages that the site translates from, most of all Russian and Ukrainian.
    let outlet_langs: [(usize, usize); 6] = [(0, 4), (1, 12), (2, 8), (3, 6), (4, 5), (5, 5)];
    let mut outlets = Vec::new();
    let mut outlets_by_lang: [Vec<usize>; 6] = Default::default();
    let mut names = HashSet::new();
    let mut authors = 0;
    for &(lang, count) in &outlet_langs {
        let mut made = 0;
        while made < count {
            let pattern = pick(rng, LANGS[lang].outlet_patterns);
            let name = pattern.replace("{P}", &pick(rng, &places).latin);
            if !names.insert(name.clone()) {
                continue;
            }
            let host = format!("{}.example.com", slugify(&name, 6).replace('-', ""));
            let staff_n = rng.random_range(5..=8);
            let staff = (0..staff_n).map(|_| people.unique(rng, lang)).collect();
            authors += staff_n;
            outlets_by_lang[lang].push(outlets.len());
            outlets.push(Outlet { name, host, staff });
            made += 1;
        }
    }
    // The site's own reporters bring the authors to 300.
    let mut site_staff: [Vec<Person>; 6] = Default::default();
    let weights: Vec<f64> = LANGS.iter().map(|l| l.weight).collect();
    for i in 0..300usize.saturating_sub(authors) {
        let lang = if i < 6 {
            i
        } else {
            pick_weighted(rng, &weights)
        };
        let p = people.unique(rng, lang);
        site_staff[lang].push(p);
    }
    // 150 translators by the language they translate into; English translators come from many
    // backgrounds.
    let mut translators: [Vec<Person>; 6] = Default::default();
    for &(lang, count) in &[
        (0usize, 70usize),
        (1, 25),
        (2, 20),
        (3, 12),
        (4, 12),
        (5, 11),
    ] {
        for _ in 0..count {
            let culture = if lang == L_EN {
                pick_weighted(rng, &[50.0, 20.0, 15.0, 5.0, 5.0, 5.0])
            } else {
                lang
            };
            let p = people.unique(rng, culture);
            translators[lang].push(p);
        }
    }

    // Running stories: about a third of the articles, ~20 articles per story.
    let story_count = (n / 60).max(4);
    let topic_w = zipf(NTOPICS, 0.7);
    let stories = (0..story_count)
        .map(|_| {
            let len = rng.random_range(30..=240) * 86_400;
            let from = rng.random_range(START..END - 30 * 86_400);
            Story {
                topic: pick_weighted(rng, &topic_w),
                event: rng.random_range(0..2),
                place: rng.random_range(0..places.len()),
                from,
                to: (from + len).min(END),
            }
        })
        .collect();

    let tags = TOPIC_TAGS
        .iter()
        .map(|t| t.iter().map(|s| s.to_string()).collect())
        .collect();
    let place_tags = places.iter().map(|p| p.latin.clone()).collect();
    let story_weights = zipf(story_count, 0.5);
    let story_total = story_weights.iter().sum();
    World {
        places,
        outlets,
        outlets_by_lang,
        site_staff,
        translators,
        stories,
        story_weights,
        story_total,
        tags,
        place_tags,
    }
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

enum Deco {
    None,
    Emphasis,
    Strong,
    Link,
}

struct Writer<'a> {
    rng: &'a mut ChaCha8Rng,
    lang: usize,
    topic: usize,
    place: &'a Place,
    places: &'a [Place],
    year: i64,
    /// The previous sentence, so that the same one never comes twice in a row.
    last: String,
}

impl Writer<'_> {
    fn lx(&self) -> &'static Lx {
        &LANGS[self.lang]
    }

    fn other_place(&mut self) -> &Place {
        if self.rng.random_bool(0.75) {
            self.place
        } else {
            pick(self.rng, self.places)
        }
    }

    fn speaker(&mut self) -> String {
        let culture = if self.lang == L_EN {
            pick_weighted(self.rng, &[60.0, 15.0, 15.0, 4.0, 3.0, 3.0])
        } else {
            self.lang
        };
        make_person(self.rng, culture).name(self.lang).to_string()
    }

    fn link_url(&mut self, anchor: &str) -> String {
        let year = self.rng.random_range(self.year - 3..=self.year);
        format!(
            "https://example.net/{}/{}/{}",
            self.lx().code,
            year,
            slugify(anchor, 6)
        )
    }

    /// Expands a template; the first `{O}` gets the decoration.
    fn expand(&mut self, template: &str, mut deco: Deco) -> String {
        let lx = self.lx();
        let mut out = String::with_capacity(template.len() * 3);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let j = rest[i..].find('}').expect("closed token") + i;
            let token = &rest[i + 1..j];
            rest = &rest[j + 1..];
            match token {
                "s" => out.push_str(pick::<&str>(self.rng, lx.subjects)),
                "V" => out.push_str(pick::<&str>(self.rng, lx.verbs)),
                "A" => out.push_str(pick::<&str>(self.rng, lx.adverbials)),
                "C" => out.push_str(pick::<&str>(self.rng, lx.connectors)),
                "O" => {
                    let o = *pick(self.rng, lx.topics[self.topic]);
                    match std::mem::replace(&mut deco, Deco::None) {
                        Deco::None => out.push_str(o),
                        Deco::Emphasis => write!(out, "*{o}*").unwrap(),
                        Deco::Strong => write!(out, "**{o}**").unwrap(),
                        Deco::Link => {
                            let url = self.link_url(o);
                            write!(out, "[{o}]({url})").unwrap()
                        }
                    }
                }
                "N" => {
                    let n = self.rng.random_range(120..48_000u64);
                    out.push_str(&format_thousands(n, lx.thousands))
                }
                "n" => write!(out, "{}", self.rng.random_range(5..=9)).unwrap(),
                "Y" => write!(out, "{}", self.rng.random_range(2014..=2021)).unwrap(),
                "P" => {
                    let lang = self.lang;
                    out.push_str(self.other_place().name(lang))
                }
                "L" => {
                    let lang = self.lang;
                    let loc = self.other_place().locative(lang);
                    out.push_str(&lx.loc_fmt.replace("{P}", &loc))
                }
                "name" => {
                    let s = self.speaker();
                    out.push_str(&s)
                }
                _ => panic!("unknown token {{{token}}}"),
            }
        }
        out.push_str(rest);
        out
    }

    fn sentence(&mut self, deco: Deco) -> String {
        let lx = self.lx();
        // The first templates (subject–verb–object) carry the topic; weight them up.
        let t = if self.rng.random_bool(0.6) {
            lx.templates[self.rng.random_range(0..4)]
        } else {
            *pick(self.rng, lx.templates)
        };
        let t = if matches!(deco, Deco::None) || t.contains("{O}") {
            t
        } else {
            lx.templates[0]
        };
        let mut s = capitalize_first(&self.expand(t, deco));
        if s == self.last {
            s = capitalize_first(&self.expand(lx.templates[0], Deco::None));
        }
        self.last.clone_from(&s);
        s
    }

    fn title(&mut self) -> String {
        let t = *pick(self.rng, self.lx().title_templates);
        capitalize_first(&self.expand(t, Deco::None))
    }

    fn quote(&mut self) -> String {
        let lx = self.lx();
        let q = *pick(self.rng, lx.quotes);
        let w = *pick(self.rng, lx.attributions);
        let w = self.expand(w, Deco::None);
        let mut p = lx.quote_fmt.replace("{Q}", q).replace("{W}", &w);
        let q2 = *pick(self.rng, lx.quotes);
        if q2 != q && self.rng.random_bool(0.5) {
            write!(p, " \"{q2}.\"").unwrap();
        }
        p
    }
}

/// Words: runs of non-space characters with at least one letter or digit (what
/// `s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()` counts, in one
/// pass without decoding ASCII: this runs on every sentence and was a fifth of the generator's time).
fn count_words(s: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    let mut alnum = false;
    let mut end_word = |in_word: &mut bool, alnum: &mut bool| {
        count += (*in_word && *alnum) as usize;
        *in_word = false;
        *alnum = false;
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            // ASCII white space as `char::is_whitespace` has it: \t \n \x0b \x0c \r and space.
            if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
                end_word(&mut in_word, &mut alnum);
            } else {
                in_word = true;
                alnum |= b.is_ascii_alphanumeric();
            }
        } else {
            let c = s[i..].chars().next().expect("a char boundary");
            i += c.len_utf8();
            if c.is_whitespace() {
                end_word(&mut in_word, &mut alnum);
            } else {
                in_word = true;
                // The Unicode tables are slow: ask once per word.
                alnum = alnum || c.is_alphanumeric();
            }
        }
    }
    end_word(&mut in_word, &mut alnum);
    count
}

/// The Markdown body: lead, sections under `##` headings, quotes, a list, a block quote, links,
/// emphasis and footnotes, 600–1,200 words.
fn body(w: &mut Writer) -> String {
    let lx = w.lx();
    let target = w.rng.random_range(620..=1100);
    let mut out = String::with_capacity(target * 8);
    let mut words = 0;
    let mut notes: Vec<String> = Vec::new();
    let max_notes = w.rng.random_range(1..=3);

    let paragraph = |w: &mut Writer,
                     out: &mut String,
                     sentences: usize,
                     forced: Deco,
                     notes: &mut Vec<String>| {
        let mut para = String::new();
        let mut forced = Some(forced);
        for i in 0..sentences {
            let deco = match forced.take() {
                Some(Deco::None) | None => match w.rng.random_range(0..100) {
                    0..=5 => Deco::Link,
                    6..=10 => Deco::Emphasis,
                    11..=13 => Deco::Strong,
                    _ => Deco::None,
                },
                Some(d) => d,
            };
            if i > 0 {
                para.push(' ');
            }
            para.push_str(&w.sentence(deco));
            if notes.len() < max_notes && ((notes.is_empty() && i == 1) || w.rng.random_bool(0.015))
            {
                let n = notes.len() + 1;
                write!(para, "[^{n}]").unwrap();
                let t = *pick(w.rng, w.lx().footnotes);
                notes.push(w.expand(t, Deco::None));
            }
        }
        out.push_str(&para);
        out.push_str("\n\n");
        count_words(&para)
    };

    words += {
        let k = w.rng.random_range(2..=3);
        paragraph(w, &mut out, k, Deco::Link, &mut notes)
    };
    words += {
        let k = w.rng.random_range(3..=5);
        paragraph(w, &mut out, k, Deco::Emphasis, &mut notes)
    };
    let q = w.quote();
    words += count_words(&q);
    out.push_str(&q);
    out.push_str("\n\n");

    let mut headings: Vec<&str> = lx.headings.to_vec();
    headings.shuffle(w.rng);
    let mut need_list = true;
    let mut need_blockquote = true;
    let mut strong_done = false;
    let mut sections = 0;
    while words < target || need_list || need_blockquote || sections < 2 {
        let h = headings[sections % headings.len()];
        let h = w.expand(h, Deco::None);
        words += count_words(&h);
        writeln!(out, "## {h}\n").unwrap();
        sections += 1;
        let blocks = w.rng.random_range(2..=4);
        for _ in 0..blocks {
            let roll = w.rng.random_range(0..100);
            if need_list && roll < 40 {
                need_list = false;
                let intro = *pick(w.rng, lx.list_intros);
                out.push_str(intro);
                out.push_str("\n\n");
                let mut items: Vec<&str> = lx.topics[w.topic].to_vec();
                items.shuffle(w.rng);
                let k = w.rng.random_range(3..=5);
                for item in &items[..k] {
                    writeln!(out, "- {}", capitalize_first(item)).unwrap();
                    words += count_words(item);
                }
                out.push('\n');
                words += count_words(intro);
            } else if need_blockquote && roll < 70 {
                need_blockquote = false;
                let intro = *pick(w.rng, lx.blockquote_intros);
                let a = w.sentence(Deco::None);
                let b = w.sentence(Deco::None);
                write!(out, "{intro}\n\n> {a} {b}\n\n").unwrap();
                words += count_words(intro) + count_words(&a) + count_words(&b);
            } else if roll >= 82 {
                let q = w.quote();
                words += count_words(&q);
                out.push_str(&q);
                out.push_str("\n\n");
            } else {
                let deco = if strong_done {
                    Deco::None
                } else {
                    Deco::Strong
                };
                strong_done = true;
                words += {
                    let k = w.rng.random_range(3..=6);
                    paragraph(w, &mut out, k, deco, &mut notes)
                };
            }
            if words >= target && !need_list && !need_blockquote && sections >= 2 {
                break;
            }
        }
    }
    for (i, note) in notes.iter().enumerate() {
        writeln!(out, "[^{}]: {note}", i + 1).unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------------------------

struct Source {
    name: String,
    url: String,
    lang: usize,
    published: String,
}

struct Article {
    lang: usize,
    when: When,
    title: String,
    kicker: String,
    description: String,
    authors: Vec<String>,
    translators: Vec<String>,
    source: Option<Source>,
    tags: Vec<String>,
    story: Option<String>,
    translation_of: Option<String>,
    body: String,
}

/// What an article is about, shared by an original and its translation.
struct Subject {
    topic: usize,
    place: usize,
    story: Option<usize>,
    tags: Vec<String>,
    when: i64,
}

/// The sequential half of the generator: one random stream decides every article in turn (so a
/// given `--n` and `--seed` always give the same bytes) and hands it to the writers.
struct Gen {
    rng: ChaCha8Rng,
    world: World,
    slugs: HashSet<String>,
    dirs: HashSet<PathBuf>,
    content: PathBuf,
    stats: Stats,
    /// To the writers (bounded, so that at most a few hundred articles wait in memory).
    tx: SyncSender<Job>,
}

/// An article, decided, for a writer to put into words on disk.
struct Job {
    path: PathBuf,
    article: Article,
}

/// Articles waiting for a writer: enough to keep both cores busy, a few MiB at most.
const QUEUE: usize = 256;

#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) articles: usize,
    per_lang: [usize; 6],
    words: usize,
    with_story: usize,
    from_outlets: usize,
    pairs: usize,
}

/// Why generation stopped early: a writer failed (its error comes from the writers' side) or
/// creating a folder did.
enum Stop {
    Writers,
    Io(std::io::Error),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Io(e)
    }
}

fn staff_names(rng: &mut ChaCha8Rng, people: &[Person], lang: usize, max: usize) -> Vec<String> {
    let k = (pick_weighted(rng, &[70.0, 22.0, 8.0]) + 1)
        .min(max)
        .min(people.len());
    let weights = zipf(people.len(), 0.8);
    let mut out: Vec<String> = Vec::new();
    while out.len() < k {
        let p = people[pick_weighted(rng, &weights)].name(lang).to_string();
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

impl Gen {
    fn subject(&mut self) -> Subject {
        let w = &self.world;
        let rng = &mut self.rng;
        let story = if rng.random_bool(1.0 / 3.0) {
            Some(pick_weighted_of(rng, &w.story_weights, w.story_total))
        } else {
            None
        };
        let (topic, place, when) = match story {
            Some(s) => {
                let s = &w.stories[s];
                (s.topic, s.place, publication_time(rng, s.from, s.to))
            }
            None => (
                pick_weighted(rng, &zipf(NTOPICS, 0.7)),
                rng.random_range(0..w.places.len()),
                publication_time(rng, START, END),
            ),
        };
        // 2–6 tags: the topic's, ranked Zipf-like, then perhaps the place and a neighbouring topic.
        let k = pick_weighted(rng, &[20.0, 30.0, 25.0, 15.0, 10.0]) + 2;
        let mut tags: Vec<String> = Vec::new();
        let topic_w = zipf(w.tags[topic].len(), 1.0);
        if rng.random_bool(0.35) {
            tags.push(w.place_tags[place].clone());
        }
        if rng.random_bool(0.25) {
            let other = pick_weighted(rng, &zipf(NTOPICS, 0.7));
            let t = &w.tags[other][pick_weighted(rng, &zipf(w.tags[other].len(), 1.0))];
            tags.push(t.clone());
        }
        let mut guard = 0;
        while tags.len() < k && guard < 100 {
            guard += 1;
            let t = &w.tags[topic][pick_weighted(rng, &topic_w)];
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags.truncate(k);
        tags.shuffle(rng);
        Subject {
            topic,
            place,
            story,
            tags,
            when,
        }
    }

    fn translator_names(&mut self, lang: usize) -> Vec<String> {
        let pool = &self.world.translators[lang];
        let k = if self.rng.random_bool(0.15) { 2 } else { 1 };
        let weights = zipf(pool.len(), 0.9);
        let mut out: Vec<String> = Vec::new();
        while out.len() < k {
            let p = pool[pick_weighted(&mut self.rng, &weights)]
                .name(lang)
                .to_string();
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    fn compose(&mut self, lang: usize, subject: &Subject, when: i64) -> Article {
        let place = &self.world.places[subject.place];
        let year = When { utc: when, lang }.local().year;
        let mut w = Writer {
            rng: &mut self.rng,
            lang,
            topic: subject.topic,
            place,
            places: &self.world.places,
            year,
            last: String::new(),
        };
        let title = w.title();
        let kicker = pick(w.rng, LANGS[lang].kickers).to_string();
        let description = w.sentence(Deco::None);
        let body = body(&mut w);
        let story = subject
            .story
            .map(|s| self.world.stories[s].name(lang, &self.world.places));
        Article {
            lang,
            when: When { utc: when, lang },
            title,
            kicker,
            description,
            authors: Vec::new(),
            translators: Vec::new(),
            source: None,
            tags: subject.tags.clone(),
            story,
            translation_of: None,
            body,
        }
    }

    fn slug_for(&mut self, title: &str) -> String {
        let base = slugify(title, 7);
        let base = if base.is_empty() {
            "article".to_string()
        } else {
            base
        };
        let mut slug = base.clone();
        let mut i = 2;
        while !self.slugs.insert(slug.clone()) {
            slug = format!("{base}-{i}");
            i += 1;
        }
        slug
    }

    /// Gives the article its file (slugs are unique in the order articles are made) and hands it
    /// to a writer; returns its path relative to `content/` and its URL.
    fn write(&mut self, a: Article) -> Result<(String, String), Stop> {
        let local = a.when.local();
        let slug = self.slug_for(&a.title);
        let lx = &LANGS[a.lang];
        let rel = format!("{}/{:04}/{slug}.md", lx.code, local.year);
        let path = self.content.join(&rel);
        let dir = path.parent().expect("has a parent");
        if !self.dirs.contains(dir) {
            std::fs::create_dir_all(dir)?;
            self.dirs.insert(dir.to_path_buf());
        }

        self.stats.articles += 1;
        self.stats.per_lang[a.lang] += 1;
        self.stats.with_story += a.story.is_some() as usize;
        self.stats.from_outlets += (a.source.is_some() && a.translation_of.is_none()) as usize;
        // The permalink gen and the Hugo site give it: /:lang/:year/:month/:day/:slug/, with the
        // default language's prefix dropped.
        let prefix = if a.lang == L_EN {
            String::new()
        } else {
            format!("{}/", lx.code)
        };
        let url = format!(
            "{BASE_URL}{prefix}{:04}/{:02}/{:02}/{slug}/",
            local.year, local.month, local.day
        );
        self.tx
            .send(Job { path, article: a })
            .map_err(|_| Stop::Writers)?;
        Ok((rel, url))
    }

    /// One article, either the site's own or translated from an outside outlet.
    fn single(&mut self) -> Result<(), Stop> {
        let weights: Vec<f64> = LANGS.iter().map(|l| l.weight).collect();
        let lang = pick_weighted(&mut self.rng, &weights);
        let subject = self.subject();
        let mut a = self.compose(lang, &subject, subject.when);
        if self.rng.random_bool(LANGS[lang].p_translated) {
            // Translated: the original appeared in another language at an outlet of that language.
            let src_langs: Vec<usize> = (0..6).filter(|&l| l != lang).collect();
            let src_w: Vec<f64> = src_langs
                .iter()
                .map(|&l| [6.0, 40.0, 30.0, 9.0, 8.0, 7.0][l])
                .collect();
            let src_lang = src_langs[pick_weighted(&mut self.rng, &src_w)];
            let list = &self.world.outlets_by_lang[src_lang];
            let oi = list[pick_weighted(&mut self.rng, &zipf(list.len(), 0.9))];
            let outlet = &self.world.outlets[oi];
            a.authors = staff_names(&mut self.rng, &outlet.staff, lang, 3);
            a.translators = self.translator_names(lang);
            let published = subject.when - self.rng.random_range(1..=72) * 3600;
            let pl = When {
                utc: published,
                lang: src_lang,
            }
            .local();
            let outlet = &self.world.outlets[oi];
            let id = self.rng.random_range(10_000..100_000);
            a.source = Some(Source {
                name: outlet.name.clone(),
                url: format!(
                    "https://{}/news/{:04}/{:02}/{:02}/{}-{id}",
                    outlet.host,
                    pl.year,
                    pl.month,
                    pl.day,
                    slugify(&a.title, 5)
                ),
                lang: src_lang,
                published: pl.rfc3339,
            });
        } else {
            a.authors = staff_names(&mut self.rng, &self.world.site_staff[lang], lang, 3);
        }
        self.write(a)?;
        Ok(())
    }

    /// An original by the site's staff and its translation, published a few hours to days later.
    fn pair(&mut self) -> Result<(), Stop> {
        let (orig_lang, tr_lang) = if self.rng.random_bool(0.8) {
            let o = 1 + pick_weighted(&mut self.rng, &[40.0, 25.0, 12.0, 12.0, 11.0]);
            let t = if self.rng.random_bool(0.85) {
                L_EN
            } else if o == L_RU {
                L_UK
            } else {
                L_RU
            };
            (o, t)
        } else {
            (
                L_EN,
                1 + pick_weighted(&mut self.rng, &[40.0, 30.0, 10.0, 10.0, 10.0]),
            )
        };
        let subject = self.subject();
        let mut orig = self.compose(orig_lang, &subject, subject.when);
        let staff = &self.world.site_staff[orig_lang];
        let k = pick_weighted(&mut self.rng, &[75.0, 25.0]) + 1;
        let mut authors: Vec<&Person> = Vec::new();
        let weights = zipf(staff.len(), 0.8);
        while authors.len() < k.min(staff.len()) {
            let p = &staff[pick_weighted(&mut self.rng, &weights)];
            if !authors.iter().any(|q| q.latin == p.latin) {
                authors.push(p);
            }
        }
        orig.authors = authors
            .iter()
            .map(|p| p.name(orig_lang).to_string())
            .collect();
        let tr_authors: Vec<String> = authors
            .iter()
            .map(|p| p.name(tr_lang).to_string())
            .collect();
        let orig_published = orig.when.local().rfc3339;
        let (rel, url) = self.write(orig)?;

        let later = (subject.when + self.rng.random_range(2..=60) * 3600).min(END - 3600);
        let mut tr = self.compose(tr_lang, &subject, later);
        tr.authors = tr_authors;
        tr.translators = self.translator_names(tr_lang);
        tr.source = Some(Source {
            name: SITE_TITLE.to_string(),
            url,
            lang: orig_lang,
            published: orig_published,
        });
        tr.translation_of = Some(rel);
        self.write(tr)?;
        self.stats.pairs += 1;
        Ok(())
    }
}

/// The parallel half: front matter and body into one file. Returns the body's words.
fn write_article(job: Job) -> std::io::Result<usize> {
    let Job { path, article: a } = job;
    let local = a.when.local();
    let lx = &LANGS[a.lang];
    let mut s = String::with_capacity(a.body.len() + 1024);
    s.push_str("---\n");
    writeln!(s, "title: {}", yaml_str(&a.title)).unwrap();
    writeln!(s, "kicker: {}", yaml_str(&a.kicker)).unwrap();
    writeln!(s, "description: {}", yaml_str(&a.description)).unwrap();
    writeln!(s, "date: {}", local.rfc3339).unwrap();
    writeln!(s, "lang: {}", lx.code).unwrap();
    writeln!(s, "authors: {}", yaml_list(&a.authors)).unwrap();
    if !a.translators.is_empty() {
        writeln!(s, "translators: {}", yaml_list(&a.translators)).unwrap();
    }
    if let Some(src) = &a.source {
        s.push_str("source:\n");
        writeln!(s, "  name: {}", yaml_str(&src.name)).unwrap();
        writeln!(s, "  url: {}", src.url).unwrap();
        writeln!(s, "  lang: {}", LANGS[src.lang].code).unwrap();
        writeln!(s, "  published: {}", src.published).unwrap();
    }
    if let Some(t) = &a.translation_of {
        writeln!(s, "translation_of: {t}").unwrap();
    }
    writeln!(s, "tags: {}", yaml_list(&a.tags)).unwrap();
    if let Some(story) = &a.story {
        writeln!(s, "story: {}", yaml_str(story)).unwrap();
    }
    s.push_str("---\n");
    s.push_str(&a.body);
    std::fs::write(&path, s).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
    })?;
    Ok(count_words(&a.body))
}

fn site_toml(args: &Args) -> String {
    let mut s = String::new();
    writeln!(s, "title = \"{SITE_TITLE}\"").unwrap();
    writeln!(s, "base_url = \"{BASE_URL}\"").unwrap();
    writeln!(s, "default_language = \"en\"").unwrap();
    writeln!(s, "minify = {}", args.minify).unwrap();
    for lx in &LANGS {
        writeln!(s, "\n[languages.{}]\nname = \"{}\"", lx.code, lx.name).unwrap();
    }
    writeln!(s, "\n[related]\ncount = {}", args.related).unwrap();
    s
}

/// Writes the corpus. One thread decides the articles in order from the seeded stream (that
/// part cannot be split without changing the bytes); rayon's threads turn them into files as
/// they come, through a bounded queue, so memory stays flat however many articles are asked for.
pub(crate) fn generate(args: &Args) -> Result<Stats, String> {
    let io = |what: &str, p: &Path, e: std::io::Error| format!("{what} {}: {e}", p.display());
    std::fs::create_dir_all(&args.out).map_err(|e| io("cannot create", &args.out, e))?;
    let content = args.out.join("content");
    if content.exists() {
        std::fs::remove_dir_all(&content).map_err(|e| io("cannot remove", &content, e))?;
    }
    let site = args.out.join("site.toml");
    std::fs::write(&site, site_toml(args)).map_err(|e| io("cannot write", &site, e))?;

    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let world = build_world(&mut rng, args.n);
    let (tx, rx) = sync_channel::<Job>(QUEUE);
    std::thread::scope(|scope| {
        let writers = scope.spawn(move || {
            rx.into_iter()
                .par_bridge()
                .map(write_article)
                .try_reduce(|| 0, |a, b| Ok(a + b))
        });
        let mut g = Gen {
            rng,
            world,
            slugs: HashSet::new(),
            dirs: HashSet::new(),
            content: content.clone(),
            stats: Stats::default(),
            tx,
        };
        let mut made = Ok(());
        while g.stats.articles < args.n {
            let left = args.n - g.stats.articles;
            made = if left >= 2 && g.rng.random_bool(0.05) {
                g.pair()
            } else {
                g.single()
            };
            if made.is_err() {
                break;
            }
        }
        let Gen { mut stats, tx, .. } = g;
        drop(tx); // the writers finish the queue and stop
        let written = writers.join().expect("a writer panicked");
        match (made, written) {
            (_, Err(e)) => Err(e.to_string()),
            (Err(Stop::Io(e)), _) => Err(io("cannot write under", &content, e)),
            (Err(Stop::Writers), Ok(_)) => Err("the writers stopped".to_string()),
            (Ok(()), Ok(words)) => {
                stats.words = words;
                Ok(stats)
            }
        }
    })
}
