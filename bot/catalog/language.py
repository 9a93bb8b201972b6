"""Which language a message is written in: Kazakh, Russian or Uzbek.

About one Shymkent resident in six is Uzbek, and some write to the bot in Uzbek (Latin or
Cyrillic letters). The bot answers in the user's chosen language, but it says once that it
understands Kazakh and Russian for now, and the department counts Uzbek messages to see the
demand before a third language is added.

The evidence is letters and common words, weighed against each other, because the three
languages share a lot: Kazakh and Uzbek are both Turkic (қандай, бар, мен), Latin-script
Kazakh looks like Uzbek at a glance, and both borrow Russian words.
- Letters: ә ө ү ұ і ң һ are Kazakh only, ў ҳ Uzbek only; o' and g' (with any apostrophe) are
  how Uzbek Latin writes its o and g.
- Words: function words and frequent stems each language has and the other does not
  (Uzbek "uchun, kerak, emas, nima, yordam, qachon, -moqchi, -yapti, -mi?"; Kazakh "ушін, керек,
  емес, қалай, көмек, қашан, туралы"). Russian: words with no Turkic letters and Russian
  endings, or its own function words.
"""

from __future__ import annotations

import re
from typing import Literal

Detected = Literal["kk", "ru", "uz"]

_KK_LETTERS = re.compile("[әөүұіңһӘӨҮҰІҢҺ]")
_UZ_LETTERS = re.compile("[ўҳЎҲ]")
_UZ_APOSTROPHE = re.compile(r"\b\w*[oOgG][\u0027\u2018\u2019\u02BB\u02BC`]\w", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+(?:[\u0027\u2018\u2019\u02BB\u02BC`][^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bb": "'", "\u02bc": "'", "`": "'"})


def _wordset(block: str) -> frozenset[str]:
    return frozenset(block.split())


# Whole words (lower case; Uzbek Latin apostrophes written as ').
_UZ_WORDS = _wordset("""
uchun kerak kerakmi emas emasmi nima nimaga nega qayerda qayerga qayer qachon necha qancha
yordam yordamchi iltimos rahmat salom assalomu alaykum bilan yoki lekin juda ko'p hamma
bo'ladi bo'ladimi bo'lsa bo'lib bo'lgan bo'yicha haqida mumkin mumkinmi bormi yo'q yo'qmi
ish ishga ishlash ishlamoqchiman o'qish o'qishga o'qiyman talaba talabalar yosh yoshlar
yoshdaman yoshman yoshga pul uy uyga uyda ota ona onam otam akam singlim opam ukam qiz o'g'il
qanday qanaqa qilish qilsa qilaman qilay qilamiz olsam olaman olish beradi berish beriladi
kimga menga sizga bizga ular hozir ertaga kecha
davlat grantga viloyat shahar tuman maktab universitetga o'quvchi
yana erim uradi uydan charchadim bepul bepulmi gaplashish tilida o'zbek issiq kulgidan keladi
qilgim qildim ketdi qoldi qoldim bo'ldi chiqdi hech narsa xohlayman xohlamayman istayman
ёрдам учун керак керакми эмас нима нимага нега қаерда қаерга қачон неча қанча илтимос
раҳмат салом ассалому алайкум билан ёки лекин жуда кўп ҳамма бўлади бўладими бўлса бўйича
ҳақида мумкин мумкинми борми йўқ иш ишга ишлаш ўқиш ўқишга талаба талабалар ёш ёшлар
ёшдаман пул уйга уйда отам онам акам синглим қилиш қилсам қиламан олсам оламан олиш беради
берилади менга сизга бизга улар ҳозир эртага кеча давлат грантга
вилоят шаҳар туман мактаб ўқувчи
яна эрим уради уйдан чарчадим бепул эрталаб худо келади қилгим кетди қолди ҳеч нарса
хоҳлайман истайман
""")
_UZ_SUFFIX = re.compile(
    r"(moqchi\w*|мо[қк]чи\w*|yap(man|ti|siz|miz|san)|яп(ман|ти|сиз|миз)"
    r"|maydi|майди|[^aeiouy]mi|[aeiou]dimi|ib|иб)$"
)
_KK_WORDS = _wordset("""
ушін үшін ушин керек керекпе емес қалай калай қандай кандай көмек комек қашан кашан неше
қанша канша туралы бар ма ме ба бе па пе жоқ жок жұмыс жумыс оқу оку жастар жас жаспын
ақша акша үй уй сәлем салем рақмет рахмет рахмат өтінемін мен сен сіз сиз біз биз олар
және жане немесе бірақ бирак өте оте көп коп барлық барлык болады бола ма қайда кайда
ushin kerek emes qalai kalai qandai kandai komek komek qashan kashan neshe qansha kansha
turaly jumys zhumys oqu oku jastar zhastar jas zhas aqsha aksha salem rakhmet rahmet
jane nemese biraq birak ote kop barlyq barlyk bolady qaida kaida kaide qaide ma me ba be
pa pe qazir kazir magan kerekpe qaitadan tirkelu tirkeldim alamyn bilem bilmeimin
degen degenim isteu isteimin bar jok joq kim qalai kaitip
келеди келмейди жок бари барин мени ешким уйде деймин деп дейди турмын журмин кетсем болды
калды алдым айтсам жаста жасымын кимге кандай кайда калай канша кашан ушин жумыс керек
бугин ертен казир маган сенбейди истеймин
""")
_KK_SUFFIX = re.compile(
    r"(myn|pyn|byn|мын|пын|бын|[^aeiouаеиоуы](ady|edi)|(ge|ke)n(be|pe|me)"
    r"|ler|der|ter|лер|дер|тер|ушин|ushin|дагы|dagy|tagy|тагы)$"
)
_RU_WORDS = _wordset("""
и в во не на я что как где когда почему зачем можно нужно надо есть мне меня мой моя
это этот эта для по из за от до у о об про или но а если то бы ли уже ещё еще тоже
какие какой какая какое сколько кто чем чтобы хочу могу работа работу учёба учеба
здравствуйте привет спасибо пожалуйста
ne hochu kak chto gde mne menya pochemu mozhno nado eto vse uzhe kogda skolko rabota
ya na v ni po za esli eshe segodnya zavtra opyat vsem nikto nikomu zachem sebya
voobshe iz ili net dlya pro ot chtoby prosto rabotaet
""")
_RU_ENDING = re.compile(r"(ость|ение|ание|ться|тся|ого|ему|ыми|ами|ями|ешь|ишь|ется|ются)$")


def detect(text: str) -> Detected | None:
    """The language of a message, or None when there is too little to tell."""
    kk = 2.0 * len(_KK_LETTERS.findall(text))
    uz = 2.0 * len(_UZ_LETTERS.findall(text)) + 1.5 * len(_UZ_APOSTROPHE.findall(text))
    ru = 0.0
    cyrillic = latin = 0
    for word in _WORD.findall(text.lower().translate(_APOSTROPHES)):
        if re.search("[а-яё]", word):
            cyrillic += 1
        elif re.search("[a-z]", word):
            latin += 1
        uz += (word in _UZ_WORDS) + 1.5 * bool(_UZ_SUFFIX.search(word))
        if word in _KK_WORDS or _KK_SUFFIX.search(word):
            kk += 1.0
        if word in _RU_WORDS:
            ru += 1.0
        elif _RU_ENDING.search(word):
            ru += 0.5
    if (uz >= 2.0 and uz > kk and uz > ru) or (uz >= 1.0 and kk == 0 and ru == 0):
        return "uz"
    if kk == 0 and ru == 0:
        if not cyrillic and not latin:
            return None
        # Latin letters with no other sign: Kazakh typed in Latin is far more common here
        # than Russian transliteration (which has its own words above).
        return "ru" if cyrillic > latin else "kk"
    return "kk" if kk >= ru else "ru"
