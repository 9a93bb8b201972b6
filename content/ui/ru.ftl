# Все кнопки и сообщения бота — по-русски.
# Слова в фигурных скобках, например { $name }, не меняйте: их подставляет бот.
start-welcome =
    Привет! 👋 Я <b>Jastar bot</b> — бот для молодёжи Шымкента. Расскажу о госпрограммах, работе, учёбе и поддержке.
    Выберите язык:
menu-title =
    <b>Главное меню</b>
    Что вас интересует? Нажмите кнопку ниже.
help-text =
    <b>Что умеет бот</b>
    • Рассказывает о государственных программах и проектах для молодёжи.
    • Подсказывает, как в них участвовать, и записывает прямо здесь.
    • Показывает мероприятия для молодёжи, записывает на них и заранее напоминает.
    • Можно просто написать вопрос своими словами — по-казахски, по-русски или латиницей.

    <b>Команды</b>
    /menu — главное меню
    /events — ближайшие мероприятия
    /register — записаться на программу
    /my — мои заявки и мероприятия
    /ask — спросить специалиста
    /language — сменить язык
    /unsubscribe, /subscribe — отключить или снова включить объявления
    /reminders — отключить или включить напоминания о мероприятиях
    /help — эта справка
    /forget — удалить мои персональные данные
lang-choose = Выберите язык:
lang-changed = Язык: русский
lang-button-kk = 🇰🇿 Қазақша
lang-button-ru = 🇷🇺 Русский
menu-programmes = 📚 Программы и проекты
menu-contacts = 📞 Контакты
menu-language = 🌐 Язык
menu-help = ❓ Справка
button-main-menu = 🏠 Главное меню
button-back = ⬅️ Назад
button-more = 📖 Подробнее
button-register = 📝 Записаться
button-outdated = Эта кнопка устарела. Откройте меню заново: /menu
categories-title =
    <b>Программы и проекты</b>
    Выберите раздел:
category-choose =
    <b>{ $category }</b>
    Выберите тему:
card-eligibility = Кто может участвовать
card-how-to-apply = Как участвовать
card-benefits = Что это даёт
card-faq = Частые вопросы
card-checked = <i>Данные на { $date }</i>
unsupported-message = Я понимаю только текст и кнопки. Выберите тему в меню 👇
unknown-command = Такой команды я не знаю. Все команды: /help
error-generic = Извините, что-то пошло не так. Попробуйте ещё раз чуть позже или нажмите /menu.
cmd-start = Начать
cmd-menu = Главное меню
cmd-language = Сменить язык
cmd-help = Справка
answers-open-card = 📄 Подробнее о теме
answers-not-this = 🤔 Вопрос был о другом
answers-unsure = Я не совсем понял вопрос. Вы об одной из этих тем? 👇
answers-uzbek-note = 🇺🇿 Пока я понимаю только казахский и русский, но постарался разобрать ваш вопрос на узбекском.
answers-unknown = Извините, на этот вопрос у меня нет ответа: я рассказываю только о молодёжных программах и поддержке. Выберите тему в меню или попробуйте спросить иначе.
answers-sorry = Извините, что не понял. Попробуйте спросить иначе или выберите тему в меню.
# --- Форма записи ---
cmd-register = Записаться на программу
cmd-my = Мои заявки
reg-choose = На какую программу записаться? 👇
reg-none-open = Сейчас нет программ с открытой записью через бота. Следите за новостями или посмотрите программы в меню.
reg-unknown = По этой ссылке программа не найдена — возможно, ссылка устарела. Выберите в меню 👇
reg-closed = Запись на «{ $programme }» через бота сейчас закрыта. Посмотрите другие программы в меню 👇
reg-already =
    Вы уже записаны на «{ $programme }»: заявка #{ $id } от { $date }, статус — { $status }.
    Ваши заявки: /my
reg-daily-limit = За последние 24 часа вы уже подали { $limit } { $limit ->
        [one] заявку
        [few] заявки
       *[many] заявок
    } — больше нельзя. Пожалуйста, запишитесь чуть позже.
reg-intro =
    📝 <b>Запись на «{ $programme }»</b>
    { $steps } { $steps ->
        [one] короткий вопрос
        [few] коротких вопроса
       *[many] коротких вопросов
    }, это займёт пару минут. На любом шаге можно нажать «Назад» или «Отменить».
reg-ask-name =
    <b>{ $step }.</b> Напишите фамилию и имя.
    Например: <i>Сейтов Ерлан</i>
reg-ask-age = <b>{ $step }.</b> Сколько вам лет? Напишите возраст (например, <i>19</i>) или год рождения (например, <i>2007</i>).
reg-ask-phone =
    <b>{ $step }.</b> Ваш номер телефона.
    Нажмите кнопку «📱 Отправить мой номер» внизу или напишите номер сами: <i>+7 7__ ___ __ __</i>
reg-ask-district = <b>{ $step }.</b> В каком районе Шымкента вы живёте?
reg-ask-occupation = <b>{ $step }.</b> Чем вы сейчас заняты?
reg-ask-comment = <b>{ $step }.</b> Хотите что-то добавить? Например, в какой сфере ищете работу или учёбу. Это необязательно (до 500 символов) — если нечего, нажмите «Пропустить».
reg-ask-consent = <b>{ $step }.</b> { $notice }
reg-guardian-note = 👨‍👩‍👧 Вам ещё нет 18 лет. Чтобы продолжить, нужно согласие родителя или законного представителя: нажимая кнопку, вы подтверждаете, что они согласны.
reg-bad-name = ⚠️ Напишите фамилию и имя буквами: от 2 до 100 символов, только буквы, пробелы, дефис и апостроф.
reg-bad-age = ⚠️ Напишите возраст числом (например, 19) или год рождения (например, 2007).
reg-bad-phone = ⚠️ Не похоже на казахстанский номер телефона. Напишите так: +7 7__ ___ __ __ или 8 7__ ___ __ __.
reg-bad-comment = ⚠️ Слишком длинно: { $length } { $length ->
        [one] символ
        [few] символа
       *[many] символов
    }. Сократите до { $limit ->
        [one] { $limit } символа
       *[other] { $limit } символов
    } или нажмите «Пропустить».
reg-bad-comment-empty = ⚠️ Комментарий пустой. Напишите текст или нажмите «Пропустить».
reg-not-own-contact = ⚠️ Это чужой контакт. Отправьте свой номер — кнопка «📱 Отправить мой номер» внизу.
reg-foreign-phone = ⚠️ Похоже, это не казахстанский номер. Напишите ваш мобильный номер в Казахстане: +7 7__ ___ __ __.
reg-press-button = 👇 Нажмите одну из кнопок ниже.
reg-need-text = ⚠️ Здесь нужен ответ текстом (стикер, фото или голосовое не подойдут).
reg-need-button = ⚠️ Здесь нужно нажать кнопку ниже.
reg-phone-ok = ✅ Номер: { $phone }
reg-going-back = ⬅️ Вернулись к предыдущему вопросу.
reg-too-young = Спасибо! Эти программы для молодёжи от 14 до 35 лет, поэтому записать вас сейчас не получится. О других возможностях можно почитать в меню 👇
reg-too-old = Спасибо! Эти программы для молодёжи от 14 до 35 лет, поэтому записать вас не получится. Если ищете работу, загляните в раздел «Программы и проекты» → «Работа и своё дело» 👇
reg-cancelled = Запись отменена, ничего не сохранено. Начать заново: /register. Меню: /menu
reg-summary =
    <b>Проверьте</b>

    { $answers }

    Всё верно? Если есть ошибка, выберите, что исправить.
reg-summary-sent =
    <b>Заявка отправлена</b>

    { $answers }
reg-line-programme = 📌 Программа: { $value }
reg-line-name = 👤 ФИО: { $value }
reg-line-age = 🎂 Возраст: { $value }
reg-line-phone = 📱 Телефон: { $value }
reg-line-district = 📍 Район: { $value }
reg-line-occupation = 💼 Сейчас: { $value }
reg-line-comment = 💬 Комментарий: { $value }
reg-line-guardian = 👨‍👩‍👧 Согласие родителя подтверждено
reg-no-comment = нет
reg-edit-name = ✏️ ФИО
reg-edit-age = ✏️ Возраст
reg-edit-phone = ✏️ Телефон
reg-edit-district = ✏️ Район
reg-edit-occupation = ✏️ Занятость
reg-edit-comment = ✏️ Комментарий
reg-done =
    🎉 Готово! Вы записаны на «{ $programme }». Номер заявки: #{ $id }.
    Специалист управления свяжется с вами. Когда статус заявки изменится, я напишу сюда. Ваши заявки: /my
reg-status-changed = 🔔 Статус вашей заявки #{ $id } на «{ $programme }»: <b>{ $status }</b>. Все заявки: /my
reg-button-cancel = ✖️ Отменить
reg-button-skip = ⏭ Пропустить
reg-button-agree = ✅ Согласен(на)
reg-button-agree-minor = ✅ Согласен(на), родители тоже согласны
reg-button-full-notice = 📄 Полный текст
reg-button-share-phone = 📱 Отправить мой номер
reg-button-confirm = ✅ Подтвердить и отправить
district-abai = Абайский район
district-al-farabi = Аль-Фарабийский район
district-enbekshi = Енбекшинский район
district-karatau = Каратауский район
district-turan = Туранский район
occupation-study = 📚 Учусь
occupation-work = 💼 Работаю
occupation-neet = 🔍 Не учусь и не работаю
occupation-other = Другое
status-new = новая
status-contacted = специалист связался
status-enrolled = вы зачислены
status-declined = отклонена
status-cancelled = отозвана
my-title = <b>Мои заявки</b>
my-empty = У вас пока нет заявок. Записаться на программу: /register
my-item =
    #{ $id } · { $programme }
    { $date } · статус: <b>{ $status }</b>
my-button-cancel = ✖️ Отозвать заявку #{ $id }
my-confirm-cancel = Отозвать заявку #{ $id } на «{ $programme }»?
my-button-yes-cancel = Да, отозвать
my-button-keep = Нет, оставить
my-cancelled = Заявка #{ $id } отозвана.
forget-confirm =
    Отозвать согласие на обработку персональных данных и удалить ваши данные?

    Будут удалены ваши ФИО, возраст, телефон, район, комментарии и настройки в боте, активные заявки будут отозваны. Останутся только обезличенные общие цифры. Отменить это нельзя.
forget-button-yes = Да, удалить всё
forget-button-no = Нет, оставить
forget-kept = Хорошо, ничего не изменилось.
forget-done = Согласие отозвано, ваши данные удалены. Если захотите снова пользоваться ботом, нажмите /start.
admin-reg-title = 🆕 <b>Заявка #{ $id }</b> · { $date }
admin-reg-user =
    Telegram: { $user }
    Статус: <b>{ $status }</b>
admin-set-contacted = 📞 Связались
admin-set-enrolled = ✅ Зачислен
admin-set-declined = ✖️ Отказ
admin-open-card = #{ $id }
admin-digest-title = 🆕 <b>Новые заявки: { $count }</b>
admin-digest-item = #{ $id } · { $programme } · { $name } · { $phone } · { $date }
admin-status-unchanged = Статус не изменён: заявка удалена или уже в этом статусе.
admin-status-admins-only = Статус заявки меняют только администраторы бота.
admin-status-cancelled = Пользователь отозвал эту заявку, статус изменить нельзя.
admin-reg-forgotten = 🗑 Персональные данные удалены по просьбе пользователя (/forget).
admin-reg-expired = 🗑 Заявка отозвана или отклонена: по истечении срока хранения персональные данные удалены.
admin-status-set-by = ✍️ { $who }, { $time }
export-usage =
    Как пользоваться: /export [id программы] [с] [по]
    Например: /export neet 01.11.2026 30.11.2026
export-empty = По этому запросу заявок нет.
export-caption = Заявок: { $count }
export-yes = да
export-col-id = №
export-col-created = Подана
export-col-updated = Изменена
export-col-programme-id = id программы
export-col-programme = Программа
export-col-status = Статус
export-col-full-name = ФИО
export-col-age = Возраст
export-col-phone = Телефон
export-col-district = Район
export-col-occupation = Занятость
export-col-comment = Комментарий
export-col-guardian-consent = Согласие родителя
export-col-consent-version = Версия согласия
export-col-telegram-id = Telegram ID
# --- handoff: «Спросить специалиста», оценки ответов ---
menu-ask = 🙋 Спросить специалиста
cmd-ask = Спросить специалиста
answers-helpful = 👍 Помогло
answers-not-helpful = 👎 Не помогло
answers-feedback-thanks = Спасибо за оценку!
answers-feedback-sorry = Жаль, что ответ не помог. Можно спросить специалиста управления — он ответит здесь, в этом чате.
handoff-ask =
    Напишите свой вопрос одним сообщением — его прочитает специалист управления по делам молодёжи. Можно прислать фото или документ с подписью.
    Не пишите пароли и номера документов.
handoff-cancel = ✖️ Отмена
handoff-cancelled = Хорошо, вопрос не отправлен.
handoff-need-text = Напишите вопрос текстом или пришлите фото либо документ с подписью.
handoff-sent = ✅ Ваш вопрос (№{ $number }) передан специалисту. Ответ придёт в этот чат.
handoff-expect-default = Специалисты отвечают в рабочие дни.
handoff-unavailable = Сейчас задать вопрос специалисту через бота нельзя. Свяжитесь с управлением напрямую — контакты ниже.
handoff-refused-open = Вы уже ждёте ответа на { $limit } { $limit ->
        [one] вопрос
        [few] вопроса
       *[many] вопросов
    } — больше пока нельзя. Когда специалист ответит, можно будет спросить снова.
handoff-refused-daily = Сегодня вы уже задали специалистам { $limit } { $limit ->
        [one] вопрос
        [few] вопроса
       *[many] вопросов
    } — это дневной предел. Пожалуйста, напишите завтра.
handoff-failed = Извините, не получилось передать вопрос. Попробуйте чуть позже или посмотрите контакты в меню.
handoff-uncertain = ⚠️ Telegram не ответил, и мы не знаем, дошёл ли ваш вопрос №{ $number } до специалиста. Если ответа не будет, задайте вопрос ещё раз.
handoff-answer-note = ☝️ Это ответ специалиста на ваш вопрос №{ $number }. Чтобы уточнить, ответьте (reply) на это сообщение или на ответ выше.
handoff-followup-sent = ✅ Уточнение передано специалисту (вопрос №{ $number }).
handoff-followup-wait = К вопросу №{ $number } пришло слишком много уточнений — это сообщение не передано. Дождитесь ответа специалиста или напишите чуть позже.
# В группе операторов (язык группы — DEFAULT_LANGUAGE)
handoff-ticket =
    📨 <b>Вопрос №{ $number }</b> · язык: { $language }
    От: <a href="tg://user?id={ $user_id }">{ $name }</a> ({ $username })
handoff-ticket-history = Раньше: вопросов боту — { $questions }, обращений к специалистам — { $tickets }
handoff-ticket-rejected = Не подошёл ответ бота: «{ $topic }»
handoff-ticket-hint = ↩️ Чтобы ответить, выберите это сообщение и нажмите «Ответить» (Reply).
handoff-lang-kk = казахский
handoff-lang-ru = русский
handoff-no-username = без юзернейма
handoff-followup =
    ↪️ <b>Уточнение к вопросу №{ $number }</b>
    От: <a href="tg://user?id={ $user_id }">{ $name }</a> ({ $username })
handoff-status-open = 🟢 №{ $number } · ждёт ответа
handoff-status-answered = ✅ №{ $number } · ответил(а) { $name }, { $time }
handoff-status-closed = 🔒 №{ $number } · закрыт
handoff-close = 🔒 Закрыть
handoff-status-popup = Вопрос №{ $number }: { $status }.
handoff-state-open = ждёт ответа
handoff-state-answered = ответ отправлен
handoff-state-closed = закрыт
handoff-closed = Вопрос №{ $number } закрыт.
handoff-user-blocked = ⚠️ Ответ на вопрос №{ $number } не доставлен: пользователь заблокировал бота. Вопрос закрыт.
handoff-not-delivered = ⚠️ Ответ на вопрос №{ $number } не доставлен: такое сообщение нельзя переслать. Отправьте текст, фото или документ.
handoff-user-gone = ⚠️ Вопрос №{ $number }: пользователь удалил свои данные, ответ доставить некуда.
handoff-unknown-post = ⚠️ Бот не знает, к какому вопросу относится это сообщение, поэтому ваш ответ никому не отправлен.
handoff-panel-answer = 💬 Ответ на вопрос №{ $number } из веб-панели ({ $admin }):
# --- admin: /gaps, /stats ---
admin-gaps-title = <b>Вопросы без хорошего ответа</b> за { $days } дн. — по частоте (кризисные сообщения не входят)
admin-gaps-empty = За { $days } дн. бот ответил на все вопросы, и никто не отметил ответ как бесполезный.
admin-gaps-line =
    { $n }. <b>{ $count }×</b> { $text }
    без ответа: { $unanswered }, не помогло: { $not_helpful }
admin-gaps-topics = бот предлагал: { $topics }
admin-stats-no-data = нет данных
admin-duration = { $hours } ч { $minutes } мин
admin-reg-new = новые { $n }
admin-reg-contacted = связались { $n }
admin-reg-enrolled = зачислены { $n }
admin-reg-declined = отклонены { $n }
admin-reg-cancelled = отозваны { $n }
admin-stats =
    <b>Статистика</b>
    👥 Пользователи: { $users }; активны за 7 дней: { $active7 }, за 30 дней: { $active30 }
    Язык: қазақша { $kk }, русский { $ru }, не выбран { $unset }
    Подписаны на новости: { $subscribed }; заблокировали бота: { $blocked }

    📝 <b>Записи на программы</b>
    { $registrations }

    🙋 <b>Вопросы специалистам</b>: ждут ответа { $open }, отвечены { $answered }, закрыты { $closed }
    Медиана времени до первого ответа (за { $days } дн.): { $median }

    💬 <b>Вопросы боту</b> за { $days } дн.: { $questions }, бот ответил сам: { $bot_answered } ({ $rate })
    Оценки: помогло { $helpful }, не помогло { $not_helpful }
    🇺🇿 Вопросов на узбекском: { $uzbek }
    🆘 Сообщения о беде за { $days } дн. (без текста): { $crisis }
# --- announcements ---
bc-ask-message =
    📣 <b>Новое объявление</b>
    Отправьте сообщение так, как его должны увидеть подписчики: текст с оформлением, фото или документ с подписью, ссылку.
    Выйти: /cancel
bc-bad-message = Такое сообщение разослать нельзя. Отправьте текст, фото, документ, видео или аудио — или выйдите: /cancel
bc-use-buttons = Выберите вариант кнопкой выше или выйдите: /cancel
bc-cancel = ✖️ Отмена
bc-cancelled = Объявление отменено, ничего не отправлено.
bc-ask-audience = Кому отправить?
bc-aud-all = 👥 Всем подписчикам
bc-aud-lang = 🌐 По языку
bc-aud-topic = 📝 Записавшимся на программу
bc-aud-district = 🏙 По району
bc-aud-occupation = 🎓 По роду занятий
bc-aud-everyone = все подписчики
bc-aud-name-lang = язык
bc-aud-name-district = район
bc-aud-name-occupation = род занятий
bc-aud-is = { $what }: { $value }
bc-aud-topic-is = записавшиеся на «{ $title }» (статус заявки: { $status })
bc-ask-lang = Какой язык выбрали получатели?
bc-ask-topic = Записавшимся на какую программу?
bc-ask-status = С каким статусом заявки?
bc-ask-district = В каком районе?
bc-ask-occupation = Кому именно?
bc-status-any = Любой
bc-status-new = Новая
bc-status-contacted = Связались
bc-status-enrolled = Зачислен
bc-status-declined = Отказ
bc-status-cancelled = Отозвана
bc-occ-study = Учатся
bc-occ-work = Работают
bc-occ-neet = Не учатся и не работают (NEET)
bc-occ-other = Другое
bc-ask-buttons = Добавить кнопку под объявлением?
bc-btn-none = Без кнопки
bc-btn-card = 📄 Карточка темы
bc-btn-reg = 📝 Ссылка на запись
bc-ask-button-topic = Какая тема?
bc-button-card = 📄 { $title }
bc-button-reg = 📝 Записаться: { $title }
bc-preview-above = Ниже — объявление таким, каким его увидят получатели.
bc-preview =
    <b>Кому:</b> { $audience }
    <b>Получателей:</b> { $count }

    Отправить сейчас или запланировать?
bc-preview-nobody =
    <b>Кому:</b> { $audience }
    <b>Получателей:</b> { $count } — под этот выбор сейчас никто не подходит. Выберите других получателей или отмените.
bc-send-now = 🚀 Отправить сейчас
bc-schedule = 🕒 Запланировать
bc-change-audience = 👥 Изменить получателей
bc-started = 📣 Объявление №{ $id } поставлено в очередь, получателей: { $count }. Ход отправки — в следующем сообщении.
bc-ask-time = Когда отправить? Напишите дату и время по Шымкенту, например: { $example }
bc-time-format = Не понял дату. Напишите, например, так: 25.12.2026 18:00 — или выйдите: /cancel
bc-time-past = Это время уже прошло. Напишите будущие дату и время по Шымкенту.
bc-time-far = Это больше чем через год — проверьте год и напишите дату ещё раз.
bc-scheduled =
    🕒 Объявление №{ $id } запланировано на { $when } (время Шымкента). Получателей сейчас: { $count }.
    Все объявления: /announcements
bc-list-empty = Объявлений пока не было. Новое: /announce
bc-list-title = <b>Объявления</b> (последние 10)
bc-list-item =
    <b>№{ $id }</b> · { $state } · { $when }
    { $audience }
    Всего { $total }: доставлено { $sent }, не доставлено { $failed }, заблокировали бота { $blocked }, неизвестно { $uncertain }
bc-stop-n = ⏹ Отменить №{ $id }
bc-pause = ⏸ Пауза
bc-resume = ▶️ Продолжить
bc-stop = ⏹ Отменить
bc-pause-done = Пауза. Чтобы продолжить, нажмите ▶️
bc-resume-done = Продолжаем отправку
bc-stop-done = Объявление отменено
bc-control-late = Уже нельзя: объявление завершено или его состояние изменилось
bc-state-scheduled = 🕒 запланировано
bc-state-running = 📤 отправляется
bc-state-paused = ⏸ на паузе
bc-state-done = ✅ завершено
bc-state-cancelled = ⏹ отменено
bc-progress =
    📣 <b>Объявление №{ $id }</b> · { $state }
    { $bar } { $percent }%
    Доставлено: { $sent } · не доставлено: { $failed } · заблокировали бота: { $blocked } · осталось: { $left }
    Скорость: { $rate } в секунду · осталось времени: { $eta }
bc-progress-extra = Пропущено (отписались или заблокировали до отправки): { $skipped } · неизвестно (Telegram не подтвердил доставку, повторно не отправлялось): { $uncertain }
bc-report =
    📣 <b>Объявление №{ $id }</b>: { $state }
    Получателей: { $total }
    ✅ доставлено: { $sent }
    🚫 заблокировали бота: { $blocked }
    ⚠️ не доставлено: { $failed }
    ➖ отписались или заблокировали до отправки: { $skipped }
    ❔ неизвестно (Telegram не подтвердил доставку, повторно не отправлялось): { $uncertain }
    ⏳ не отправлено: { $left }
    Время отправки: { $time }
sub-stop-button = 🔕 Не присылать объявления
sub-resume-button = 🔔 Снова присылать объявления
sub-off = Готово: объявления больше не придут. Вернуть их: /subscribe
sub-on = Объявления включены: будем присылать новости о программах и событиях. Отключить: /unsubscribe
sub-off-short = Объявления отключены
sub-on-short = Объявления включены
# --- hardening: flood control, /reload ---
flood-warning = Слишком много сообщений подряд. Подождите несколько секунд и напишите снова.
admin-reload-ok = ✅ Контент обновлён: тем — { $topics }. Предупреждений: { $warnings }.
admin-reload-failed = ❌ Контент не обновлён — бот работает на прежней версии. Ошибки ({ $count }):
admin-reload-more = …и ещё { $count }. Полный список: python -m bot check-content
# --- Кризис: ответ человеку в опасности (номера: FACTS.md §12; 112, 102, 103 — egov.kz «Emergency number 112») ---
crisis-answer-suicide =
    💛 Хорошо, что вы об этом написали. Вы не одни.

    🆘 Если прямо сейчас есть опасность для жизни — звоните <b>112</b>.
    📞 Если хочется с кем-то поговорить — <b>150</b> (телефон доверия для детей и молодёжи) или <b>111</b> (бесплатно и анонимно). Оба номера работают круглосуточно.

    Не оставайтесь с этими мыслями в одиночку: прямо сейчас позвоните или напишите тому, кому доверяете. Уберите подальше то, чем можно себе навредить.
crisis-answer-self-harm =
    💛 Спасибо, что написали. Об этом непросто говорить. Здесь вас никто не осудит.

    🩹 Если есть рана, прижмите её чистой тканью. Если кровь не останавливается, рана глубокая или кружится голова — сразу <b>103</b> или <b>112</b>.
    📞 Если хочется поговорить — <b>150</b> или <b>111</b>, круглосуточно.

    Когда хочется навредить себе, постарайтесь не оставаться в одиночестве: свяжитесь с тем, кому доверяете. Уберите острые предметы подальше.
crisis-answer-friend =
    💛 Хорошо, что вы переживаете за близкого человека и ищете помощь.

    Что можно сделать:
    • Будьте рядом или на связи, не оставляйте человека в одиночестве.
    • Уберите то, чем можно навредить себе: таблетки, острые предметы, верёвку.
    • Спросите прямо: «Ты думаешь о том, чтобы покончить с собой?» Такой вопрос не подталкивает к этому, а открывает разговор.
    • Позвоните вместе на <b>150</b> или <b>111</b>, расскажите взрослому, которому доверяете.
    • Если опасность прямо сейчас — <b>112</b>. Если человек перестал отвечать и вы за него боитесь, тоже звоните 112 и скажите, где он может быть.

    Не храните это в секрете, даже если обещали: когда жизнь человека в опасности, рассказать взрослым — не предательство.
crisis-answer-abuse =
    💛 В том, что происходит, нет вашей вины. Никто не имеет права бить вас, запугивать или заставлять делать что-то против вашей воли — и насильно женить или выдавать замуж тоже.

    🆘 Если опасность прямо сейчас — <b>112</b> или полиция <b>102</b>.
    📞 <b>111</b> — центр по вопросам семьи, прав женщин и детей: бесплатно, анонимно, круглосуточно. <b>150</b> — телефон доверия для детей и молодёжи.

    Если можете, уйдите туда, где безопасно. Расскажите взрослому, которому доверяете.
crisis-answer-online =
    💛 Хорошо, что вы написали. Вы ни в чём не виноваты — виноват тот, кто на вас давит.

    Что делать сейчас:
    • Ничего не отправляйте: ни фото, ни видео, ни денег.
    • Не удаляйте переписку, сделайте скриншоты — это доказательства.
    • Потом заблокируйте этого человека и не отвечайте ему.
    • Расскажите родителям или взрослому, которому доверяете.
    • Полиция — <b>102</b>, телефон доверия — <b>150</b>. Если опасность прямо сейчас — <b>112</b>.
crisis-answer-home =
    💛 Сейчас трудно, но вы не одни. Не оставайтесь ночью на улице.

    🆘 Если есть опасность или негде ночевать — звоните <b>112</b> или в полицию <b>102</b>.
    📞 <b>150</b> — телефон доверия для детей и молодёжи, <b>111</b> — центр по вопросам семьи и прав детей. Оба работают круглосуточно.

    Свяжитесь с родственником, которому доверяете, с родителями друга или с учителем.
crisis-answer-addiction =
    💛 Рассказать об этом — уже большой шаг. Из зависимости и долгов есть выход, и справляться со всем этим в одиночку не нужно.

    📞 <b>111</b> — бесплатная анонимная психологическая и юридическая помощь, круглосуточно. <b>150</b> — телефон доверия для детей и молодёжи.
    • Не пытайтесь отыграться и не берите новый кредит, чтобы закрыть старый.
    • Расскажите правду близким — вместе легче.
    🆘 Если кто-то потерял сознание, с трудом дышит или его жизнь в опасности — сразу <b>103</b> или <b>112</b>.
crisis-write-hint = Хотите написать человеку, а не боту — нажмите кнопку ниже: специалист управления прочитает ваше сообщение в первую очередь.
crisis-button-write = ✍️ Написать специалисту сейчас
crisis-sent = ✅ Ваше сообщение отправлено специалисту как срочное (№{ $number }). Ответ придёт в этот чат. Если ждать тяжело — <b>150</b>, если есть опасность — <b>112</b>.
crisis-write-uncertain = Не знаю, дошло ли ваше сообщение (№{ $number }) до специалиста: Telegram не ответил. Если дошло, ответ придёт в этот чат. Не ждите — позвоните прямо сейчас на <b>150</b> или <b>111</b>, а если есть опасность — на <b>112</b>.
crisis-write-failed = Простите, не получилось передать ваше сообщение специалисту. Пожалуйста, прямо сейчас позвоните на <b>150</b> или <b>111</b>, а если есть опасность — на <b>112</b>.
crisis-follow-up = 💛 Я рядом. Если тяжело — <b>150</b> или <b>111</b>, если есть опасность — <b>112</b>.
crisis-follow-up-unknown =
    💛 Я рядом. Я бот и понимаю не всё, но есть люди, которые вас выслушают.

    📞 <b>150</b> или <b>111</b> — круглосуточно. Если есть опасность — <b>112</b>.
crisis-ticket-urgent = 🆘 <b>СРОЧНО</b> · бот заметил признаки опасности: { $kind }. Человек хочет поговорить со специалистом сейчас — ответьте как можно скорее.
crisis-kind-suicide = мысли о самоубийстве
crisis-kind-self-harm = самоповреждение
crisis-kind-friend = в опасности друг или родственник
crisis-kind-abuse = насилие
crisis-kind-online = давление или шантаж в интернете
crisis-kind-home = ушёл(ушла) из дома или выгнали
crisis-kind-addiction = зависимость или долги

## Events (issue 18): what is wrong with an event an admin describes (services/events.py ERRORS)
event-error-title-kk = Не указано название мероприятия на казахском.
event-error-title-ru = Не указано название мероприятия на русском.
event-error-place-kk = Не указано место проведения на казахском.
event-error-place-ru = Не указано место проведения на русском.
event-error-too-long = Слишком длинный текст: название до 120 символов, описание до 1500, место и «что взять» до 300.
event-error-category = Такой категории нет: выберите одну из списка content/events.toml.
event-error-past = Время начала уже прошло: укажите будущие дату и время.
event-error-ends-before-starts = Время окончания раньше времени начала.
event-error-too-long-event = Мероприятие получилось длиннее месяца: проверьте дату окончания.
event-error-ages = Неверный возраст: числа от 0 до 120, нижняя граница не больше верхней.
event-error-capacity = Число мест — от 1 до 100000 (если без ограничений, оставьте пустым).
event-error-topic = Программа для регистрации не найдена или запись в неё закрыта.
event-error-cancelled = Мероприятие отменено, изменить его нельзя.

## Events (issue 18): the young person's side
menu-events = 📅 Мероприятия
cmd-events = Ближайшие мероприятия
event-period-all = Все
event-period-week = Эта неделя
event-period-month = Этот месяц
event-filter-all = Все
event-filter-week = Эта неделя
event-filter-month = Этот месяц
event-filter-category = 🗂 Категория
event-filter-any-category = Все категории
event-choose-category = Мероприятия какой категории показать?
event-list-title = <b>📅 Ближайшие мероприятия</b> · { $filters }
event-list-empty = По этому фильтру мероприятий пока нет. Попробуйте другой период или категорию.
event-list-item =
    🗓 { $when } — <b>{ $title }</b>
    { $seats }
event-list-page = Страница { $page } из { $pages }
event-when-same-day = { $day }, { $start }–{ $end } (время Шымкента)
event-when-days = { $start } – { $end } (время Шымкента)
event-ages-range = { $low }–{ $high } лет
event-ages-from = от { $low } лет
event-ages-to = до { $high } лет
event-seats-unlimited = Количество мест не ограничено
event-seats-full = Свободных мест нет · в листе ожидания: { $waiting }
event-seats-left = Свободных мест: { $left } из { $capacity }
event-cancelled-mark = ❌ <b>Мероприятие отменено</b>
event-line-category = 🗂 { $value }
event-line-when = 🗓 { $value }
event-line-place = 📍 { $value }
event-line-ages = 👥 { $value }
event-line-bring = 🎒 Взять с собой: { $value }
event-line-seats = 🎟 { $value }
event-you-going = ✅ Вы записаны. Ваш код на входе: <b>{ $code }</b>
event-you-checked-in = ✅ Вы отмечены на входе (код { $code }).
event-you-waiting = ⏳ Вы в листе ожидания, ваш номер в очереди: { $place }. Если место освободится, сразу сообщу.
event-button-go = ✋ Приду
event-button-wait = ⏳ В лист ожидания
event-button-cancel = ✖️ Не смогу прийти
event-button-cancel-yes = Да, отменить
event-button-cancel-keep = Нет, приду
event-button-qr = 🔳 Код для входа (QR)
event-button-ics = 📆 Добавить в календарь
event-button-list = 📅 К списку
event-button-open = 📅 Открыть мероприятие
event-button-all = 📅 Все мероприятия
event-button-also-topic = 📌 Может быть, вам сюда: «{ $title }»
event-button-watch = 🔔 Сообщить о следующем
event-button-use-registration = ✅ Да, записаться с этими данными
event-button-reminders-off = 🔕 Выключить напоминания
event-button-reminders-on = 🔔 Включить напоминания
event-button-skip-comment = Завершить без отзыва
event-cancel-confirm = Отменить запись на «{ $title }»? Ваше место перейдёт следующему в очереди.
event-rsvp-confirmed = 🎉 Вы записаны: «{ $title }». Напомню за сутки и за час до начала.
event-rsvp-waiting = На «{ $title }» свободных мест нет, поэтому я записал вас в лист ожидания. Ваш номер в очереди: { $place }. Если место освободится, сообщу.
event-rsvp-closed = Запись на «{ $title }» закрыта: мероприятие уже началось или отменено.
event-rsvp-cancelled = Запись отменена: «{ $title }».
event-promoted = 🎉 Освободилось место! Теперь вы участник мероприятия «{ $title }».
event-reg-needed = Для записи на «{ $title }» нужны данные регистрации на программу «{ $programme }». Сначала заполните короткую анкету — в конце я сам запишу вас на мероприятие.
event-reg-reuse =
    Записаться на «{ $title }» с данными вашей регистрации? Заполнять заново не нужно.

    { $answers }
event-unknown = Такое мероприятие не найдено: возможно, его удалили. Ближайшие мероприятия: /events
event-ics-caption = «{ $title }» — откройте файл, и мероприятие добавится в календарь телефона.
event-qr-caption = «{ $title }» — покажите на входе этот QR или код <b>{ $code }</b>.
event-none = Таких мероприятий сейчас не запланировано. Посмотрите весь список ближайших мероприятий.
event-none-in-category = В категории «{ $category }» ближайших мероприятий пока нет. Сообщить, когда появится новое?
event-watching = Хорошо! Как только в категории «{ $category }» появится новое мероприятие, я сообщу.
event-news =
    🔔 Новое мероприятие («{ $category }»): <b>{ $title }</b>
    🗓 { $when }
    📍 { $place }
event-remind-24h =
    ⏰ Завтра: <b>{ $title }</b>
    🗓 { $when }
    📍 { $place }
    Ваш код на входе: <b>{ $code }</b>. Если не сможете прийти, отмените запись на странице мероприятия — место достанется другому.
event-remind-1h =
    ⏰ Через час начало: <b>{ $title }</b>
    🗓 { $when }
    📍 { $place }
    Ваш код на входе: <b>{ $code }</b>.
event-rate-ask = Как прошло мероприятие «{ $title }»? Оцените от 1 до 5.
event-rate-comment = Спасибо, ваша оценка: { $score }. Хотите сказать пару слов организаторам — просто напишите сюда.
event-rate-thanks = Спасибо! Ваш отзыв получат организаторы.
event-reminders-on = 🔔 Напоминания о мероприятиях включены.
event-reminders-off = 🔕 Напоминания выключены. Включить снова: /reminders
event-reminders-state-on = Напоминаю о мероприятиях за сутки и за час до начала.
event-reminders-state-off = Напоминания о мероприятиях выключены.
event-my-title = <b>Мои мероприятия</b>
event-my-item =
    <b>{ $title }</b> — { $when }
    { $status }

## Events, the admins' side (issue 18): the season's plan as CSV (services/event_csv.py)
event-csv-where = строка { $line }, { $column }:
event-csv-value = { " " }(«{ $value }»)
event-csv-empty = файл пуст.
event-csv-no-rows = в файле только заголовок, мероприятий нет.
event-csv-unknown-column = неизвестный столбец. Допустимые: id, title_kk, title_ru, category, starts, ends, place_kk, place_ru, description_kk, description_ru, age_min, age_max, bring_kk, bring_ru, capacity, registration.
event-csv-missing-column = нет обязательного столбца.
event-csv-column-twice = столбец указан дважды.
event-csv-too-many-rows = слишком много строк (не больше 2000).
event-csv-extra-cells = в строке больше ячеек, чем столбцов в заголовке.
event-csv-has-id = импорт только добавляет новые мероприятия: оставьте id пустым (изменить существующее — командой /event в боте).
event-csv-bad-time = не удалось прочитать дату и время: пишите по времени Шымкента, например 25.12.2026 18:00 (конец можно указать одним временем: 20:00).
event-csv-bad-number = здесь должно быть целое число.
event-csv-not-utf8 = файл не в кодировке UTF-8. В Excel сохраните его как «CSV UTF-8 (разделитель — запятая)».
event-csv-too-big = файл слишком большой (больше 2 МБ).
event-csv-refused = Ничего не добавлено: ошибок в файле — { $count }. Исправьте их и загрузите файл снова.
event-csv-checked = Файл в порядке: можно добавить мероприятий — { $count }. Это была только проверка, ничего не сохранено.
event-csv-imported = Добавлено мероприятий: { $count } (№ { $first }–{ $last }).
event-csv-status-confirmed = придёт
event-csv-status-waiting = в листе ожидания
event-csv-status-cancelled = запись отменена
event-csv-col-status = Статус
event-csv-col-place = Место в очереди
event-csv-col-code = Код
event-csv-col-checked-in = Отмечен на входе
event-csv-col-signed-up = Время записи
event-csv-col-telegram-id = Telegram ID
event-csv-col-language = Язык
event-csv-col-full-name = ФИО
event-csv-col-age = Возраст
event-csv-col-phone = Телефон
event-csv-col-district = Район
event-csv-col-occupation = Занятость
event-csv-col-score = Оценка
event-csv-col-comment = Отзыв

## Events, the admins' side (issue 18): /event, /checkin, cancellation notices, /stats
evadm-ask-title-kk = 📅 <b>Новое мероприятие</b>
    Название на казахском языке:
evadm-ask-title-ru = Название на русском языке:
evadm-ask-description-kk = Описание на казахском: что будет, для кого, кто проводит. Можно пропустить — тогда описания не будет ни на одном языке.
evadm-ask-description-ru = Описание на русском (раз есть казахское, нужно и русское):
evadm-ask-category = Выберите категорию:
evadm-ask-starts = Когда начало? Дата и время по Шымкенту, например: { $example }
evadm-ask-ends = Начало: { $starts }. Когда конец? Время (например, { $example }) или дата и время, если мероприятие заканчивается в другой день.
evadm-ask-place-kk = Место проведения на казахском (адрес или название здания):
evadm-ask-place-ru = Место проведения на русском:
evadm-ask-ages = Возраст участников: «14-35», «16+» — или пропустите, если ограничений нет.
evadm-ask-bring-kk = Что взять с собой (на казахском)? Можно пропустить.
evadm-ask-bring-ru = Что взять с собой — на русском:
evadm-ask-capacity = Сколько мест? Число — или пропустите, если мест не ограничено.
evadm-ask-registration = Нужна ли запись через анкету программы? Тогда участник подтверждает данные своей заявки (или заполняет анкету). Иначе — запись в одно нажатие.
evadm-empty = Пустой ответ не подходит.
evadm-too-long = Слишком длинно: { $length } символов, можно не больше { $limit }.
evadm-bad-when = Не удалось прочитать дату и время. Напишите так: { $example }
evadm-bad-end = Не удалось прочитать время окончания. Напишите время (20:00) или дату и время: { $example }
evadm-bad-ages = Напишите возраст так: «14-35» или «16+».
evadm-use-buttons = Выберите вариант кнопкой выше. Выйти: /cancel
evadm-type-text = Ответьте текстом. Выйти без сохранения: /cancel
evadm-button-skip = ⏭ Пропустить
evadm-button-drop = ✖️ Выйти без сохранения
evadm-button-publish = ✅ Опубликовать
evadm-button-edit = ✏️ Изменить
evadm-button-new = ➕ Новое мероприятие
evadm-button-copy = 📄 Копия на другую дату
evadm-button-attendees = 👥 Участники (CSV)
evadm-button-comments = 💬 Отзывы
evadm-button-checkin = 🎟 Отметка на входе
evadm-button-user-view = 👁 Как видят участники
evadm-button-cancel-event = ❌ Отменить мероприятие
evadm-button-list = 📅 Все мероприятия
evadm-button-cancel-yes = Да, отменить и сообщить всем
evadm-button-cancel-no = Нет, оставить
evadm-button-checkin-done = Закончить отметку
evadm-button-no-registration = Без анкеты (запись в одно нажатие)
evadm-field-title = Название
evadm-field-description = Описание
evadm-field-category = Категория
evadm-field-starts = Начало
evadm-field-ends = Окончание
evadm-field-place = Место
evadm-field-ages = Возраст
evadm-field-bring = Что взять
evadm-field-capacity = Число мест
evadm-field-registration = Анкета
evadm-edit-which = Что изменить?
evadm-invalid = Сохранить нельзя:
evadm-preview-above = 👀 Так мероприятие увидят участники — на казахском и на русском:
evadm-preview-ask = Опубликовать?
evadm-published = ✅ Опубликовано, № { $id }.
evadm-saved = ✅ Изменения сохранены.
evadm-left = Вышли, ничего не сохранено.
evadm-not-found = Мероприятия № { $id } нет.
evadm-list-empty = Предстоящих мероприятий нет. Добавить — кнопкой ниже или файлом плана: python -m bot events import FILE.csv
evadm-list-title = 📅 <b>Предстоящие мероприятия</b>: { $count }. Любое, и прошедшее тоже, открывается командой /event номер.
evadm-list-item = № { $id } · { $when }
    <b>{ $title }</b>
    придут: { $confirmed } / { $capacity }, в листе ожидания: { $waiting }
evadm-list-page = Страница { $page } из { $pages }
evadm-card-title = <b>№ { $id }. { $title }</b>
evadm-card-status-cancelled = ❌ <b>Отменено</b>
evadm-card-what =
    { $category }
    🕒 { $when } (время Шымкента)
    📍 { $place }
evadm-card-rsvps = 👥 Придут: { $confirmed } / { $capacity }; в листе ожидания: { $waiting }; отменили запись: { $cancelled }; отмечены на входе: { $checked_in }
evadm-card-ratings = ⭐ Оценок: { $ratings }, средняя { $average }; отзывов: { $comments }; напоминаний отправлено: { $reminders }
evadm-card-told = 📨 Об отмене сообщено: { $sent }; заблокировали бота: { $blocked }; не доставлено или неизвестно: { $failed }
evadm-card-registration = 📝 Запись через анкету программы: { $topic }
evadm-ask-copy = Копия «{ $title }»: когда начало? Дата и время по Шымкенту, например: { $example }. Остальное не изменится, длительность тоже.
evadm-copied = ✅ Копия создана, № { $id }.
evadm-cancel-confirm = Отменить «{ $title }»? Всем, кто записан ({ $confirmed }) и ждёт в очереди ({ $waiting }), бот сообщит об отмене на их языке.
evadm-already-cancelled = Мероприятие уже отменено.
evadm-cancelled = ❌ Мероприятие отменено. Сообщений об отмене: { $count } — бот отправляет их в темпе рассылок.
evadm-attendees-empty = На это мероприятие ещё никто не записался.
evadm-attendees-caption = «{ $title }»: придут { $confirmed }, ждут { $waiting }, отмечены на входе { $checked_in }
evadm-comments-empty = У «{ $title }» пока нет отзывов.
evadm-comments-title = 💬 <b>Отзывы о «{ $title }»</b> (последние)
evadm-comment = { $stars } · { $when }
    { $text }
evadm-checkin-ask = 🎟 Отправляйте коды участников по одному (6 знаков с карточки, например K7MX3P). Выйти: /cancel
evadm-checkin-photo = Фото QR-кода бот не распознаёт. Под QR-кодом на карточке участника напечатан код из 6 знаков — наберите его.
evadm-checkin-unknown = ❓ Такого кода нет. Проверьте буквы и цифры.
evadm-checkin-ok = ✅ Отмечен: код { $code }
    «{ $title }», { $when }
evadm-checkin-already = ⚠️ Уже отмечен в { $at }: код { $code }
    «{ $title }», { $when }
evadm-checkin-waiting = ⛔ Код { $code } — из листа ожидания: этому участнику место не досталось.
    «{ $title }», { $when }
evadm-checkin-cancelled = ⛔ Код { $code }: участник отменил запись.
    «{ $title }», { $when }
evadm-cancelled-notice = ❌ К сожалению, мероприятие «{ $title }» ({ $when }, { $place }) отменено. Простите! Другие мероприятия: /events
evadm-stats =
    📅 <b>Мероприятия</b> за { $days } дн.: { $held } (отменено { $cancelled }); записались { $confirmed }, пришли { $checked_in }; оценок { $ratings }, средняя { $average }
    Впереди: { $coming }, записались { $coming_confirmed }, в листах ожидания { $coming_waiting }
