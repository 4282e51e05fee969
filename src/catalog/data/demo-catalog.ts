// The demo catalog of DESIGN.md section 3. Seeded once on first start; tests, the NLU
// evaluation and the docs refer to these slugs. Prices are integer fen.

export type CourseCategory =
  'programming' | 'data' | 'ai' | 'career' | 'design' | 'soft-skills' | 'language' | 'finance';

export interface DemoCourse {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  category: CourseCategory;
  tags: string[];
  priceFen: number;
  hot: boolean;
  vipFree: boolean;
  /** Aliases that users type for this course (abbreviations, short names). */
  aliases: string[];
}

export type MallItemKind = 'physical' | 'digital' | 'coupon' | 'membership';

export interface DemoMallItem {
  slug: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  kind: MallItemKind;
  pointsPrice: number;
  /** null = unlimited */
  stock: number | null;
  perUserLimit: number | null;
  aliases: string[];
}

export const CATEGORY_NAMES: Record<CourseCategory, { zh: string; en: string; aliases: string[] }> =
  {
    programming: {
      zh: '编程',
      en: 'Programming',
      aliases: ['编程', '程序', '开发', 'coding', 'programming', 'code'],
    },
    data: { zh: '数据', en: 'Data', aliases: ['数据', '数据分析', '数据库', 'data', 'analytics'] },
    ai: {
      zh: '人工智能',
      en: 'AI',
      aliases: ['人工智能', 'AI', '机器学习', 'artificial intelligence'],
    },
    career: { zh: '职场', en: 'Career', aliases: ['职场', '职业', '产品', 'career', 'product'] },
    design: { zh: '设计', en: 'Design', aliases: ['设计', 'design', 'UX', 'UI'] },
    'soft-skills': {
      zh: '软技能',
      en: 'Soft skills',
      aliases: ['软技能', '沟通', '效率', 'soft skills', 'soft-skills', 'productivity'],
    },
    language: {
      zh: '语言',
      en: 'Language',
      aliases: ['语言', '英语', '外语', 'language', 'english'],
    },
    finance: {
      zh: '理财',
      en: 'Finance',
      aliases: ['理财', '金融', '投资', 'finance', 'investing', 'money'],
    },
  };

export const DEMO_COURSES: DemoCourse[] = [
  {
    slug: 'python-basics',
    titleZh: 'Python 编程入门',
    titleEn: 'Python Programming for Beginners',
    descriptionZh: '从零开始学习 Python：变量、函数、数据结构和文件处理，配套练习项目。',
    descriptionEn:
      'Learn Python from scratch: variables, functions, data structures and files, with practice projects.',
    category: 'programming',
    tags: ['python', '编程', '入门', 'beginner'],
    priceFen: 19900,
    hot: true,
    vipFree: false,
    aliases: ['python', 'py', 'python入门', 'python课', 'Python编程'],
  },
  {
    slug: 'data-analysis-pandas',
    titleZh: '用 Pandas 做数据分析',
    titleEn: 'Data Analysis with Pandas',
    descriptionZh: '用 Pandas 清洗、分析和可视化真实数据集，掌握数据分析的完整流程。',
    descriptionEn: 'Clean, analyse and visualise real data sets with Pandas, end to end.',
    category: 'data',
    tags: ['pandas', 'python', '数据分析', 'data analysis'],
    priceFen: 29900,
    hot: true,
    vipFree: false,
    aliases: ['pandas', '数据分析', 'data analysis'],
  },
  {
    slug: 'sql-databases',
    titleZh: 'SQL 与数据库基础',
    titleEn: 'SQL and Database Fundamentals',
    descriptionZh: '学习 SQL 查询、表设计、索引和事务，打好数据库基础。',
    descriptionEn: 'SQL queries, table design, indexes and transactions: database fundamentals.',
    category: 'data',
    tags: ['sql', '数据库', 'database', 'mysql', 'postgresql'],
    priceFen: 17900,
    hot: false,
    vipFree: false,
    aliases: ['sql', '数据库', 'database', 'databases'],
  },
  {
    slug: 'machine-learning-intro',
    titleZh: '机器学习实战',
    titleEn: 'Hands-on Machine Learning',
    descriptionZh: '动手实践回归、分类、聚类和模型评估，用 scikit-learn 完成机器学习项目。',
    descriptionEn:
      'Regression, classification, clustering and model evaluation, hands-on with scikit-learn.',
    category: 'ai',
    tags: ['机器学习', 'machine learning', 'ml', 'scikit-learn', 'ai'],
    priceFen: 39900,
    hot: true,
    vipFree: false,
    aliases: ['ml', '机器学习', 'machine learning'],
  },
  {
    slug: 'deep-learning',
    titleZh: '深度学习与神经网络',
    titleEn: 'Deep Learning and Neural Networks',
    descriptionZh: '神经网络、卷积网络和 Transformer 的原理与实践，使用 PyTorch 训练模型。',
    descriptionEn:
      'Neural networks, CNNs and Transformers in theory and practice, training models with PyTorch.',
    category: 'ai',
    tags: ['深度学习', 'deep learning', 'dl', '神经网络', 'pytorch', 'ai'],
    priceFen: 49900,
    hot: false,
    vipFree: false,
    aliases: ['dl', '深度学习', 'deep learning', '神经网络', 'neural networks'],
  },
  {
    slug: 'product-management',
    titleZh: '产品经理必修课',
    titleEn: 'Product Management Essentials',
    descriptionZh: '需求分析、原型设计、数据驱动决策和项目推进，成为合格的产品经理。',
    descriptionEn:
      'Requirements, prototyping, data-driven decisions and delivery: the product manager essentials.',
    category: 'career',
    tags: ['产品经理', 'product', 'pm', '职场'],
    priceFen: 25900,
    hot: false,
    vipFree: false,
    aliases: ['pm', '产品经理', '产品', 'product management'],
  },
  {
    slug: 'ux-design',
    titleZh: '用户体验设计',
    titleEn: 'UX Design Fundamentals',
    descriptionZh: '用户研究、交互设计和可用性测试，设计好用的产品。',
    descriptionEn:
      'User research, interaction design and usability testing for products people enjoy.',
    category: 'design',
    tags: ['ux', '设计', '交互', 'design', 'ui'],
    priceFen: 23900,
    hot: false,
    vipFree: false,
    aliases: ['ux', '用户体验', '交互设计', 'ux design'],
  },
  {
    slug: 'public-speaking',
    titleZh: '高效演讲与表达',
    titleEn: 'Effective Public Speaking',
    descriptionZh: '克服紧张，结构化表达，讲好每一次演讲和汇报。',
    descriptionEn: 'Beat nerves and speak with structure in every talk and presentation.',
    category: 'soft-skills',
    tags: ['演讲', '表达', '沟通', 'speaking', 'communication'],
    priceFen: 12900,
    hot: false,
    vipFree: false,
    aliases: ['演讲', '表达', 'public speaking', 'speaking'],
  },
  {
    slug: 'time-management',
    titleZh: '时间管理',
    titleEn: 'Time Management for Professionals',
    descriptionZh: '目标拆解、优先级和专注方法，让每天的时间更高效。',
    descriptionEn: 'Goals, priorities and focus techniques to make every day count.',
    category: 'soft-skills',
    tags: ['时间管理', '效率', 'productivity', 'time management'],
    priceFen: 6900,
    hot: false,
    vipFree: false,
    aliases: ['时间管理', 'time management', '效率'],
  },
  {
    slug: 'business-english',
    titleZh: '商务英语写作',
    titleEn: 'Business English Writing',
    descriptionZh: '商务邮件、报告和提案的英文写作技巧。',
    descriptionEn: 'Write business emails, reports and proposals in clear English.',
    category: 'language',
    tags: ['英语', '写作', 'english', 'writing', 'business'],
    priceFen: 15900,
    hot: false,
    vipFree: false,
    aliases: ['商务英语', '英语写作', 'business english', 'english'],
  },
  {
    slug: 'personal-finance',
    titleZh: '个人理财入门',
    titleEn: 'Personal Finance 101',
    descriptionZh: '记账、预算、储蓄和基础投资，建立健康的个人财务。',
    descriptionEn: 'Budgeting, saving and investing basics for healthy personal finances.',
    category: 'finance',
    tags: ['理财', '财务', 'finance', 'budget', 'money'],
    priceFen: 9900,
    hot: false,
    vipFree: false,
    aliases: ['理财', '个人理财', 'personal finance', 'finance'],
  },
  {
    slug: 'stock-investing',
    titleZh: '股票投资策略',
    titleEn: 'Stock Investing Strategies',
    descriptionZh: '基本面分析、估值和仓位管理，建立自己的股票投资体系。',
    descriptionEn:
      'Fundamental analysis, valuation and position sizing for your own investing system.',
    category: 'finance',
    tags: ['股票', '投资', 'stocks', 'investing', 'finance'],
    priceFen: 34900,
    hot: false,
    vipFree: true,
    aliases: ['股票', '炒股', '投资', 'stocks', 'stock investing', 'investing'],
  },
];

export const DEMO_MALL_ITEMS: DemoMallItem[] = [
  {
    slug: 'thermos-cup',
    titleZh: '定制保温杯',
    titleEn: 'Branded thermos cup',
    descriptionZh: '500ml 不锈钢保温杯，印有学分标志。',
    descriptionEn: '500 ml stainless steel thermos with the xuefen logo.',
    kind: 'physical',
    pointsPrice: 3000,
    stock: 200,
    perUserLimit: 2,
    aliases: ['保温杯', '杯子', 'thermos', 'cup', 'mug'],
  },
  {
    slug: 'notebook',
    titleZh: '学习笔记本',
    titleEn: 'Study notebook',
    descriptionZh: 'A5 方格学习笔记本。',
    descriptionEn: 'A5 dotted study notebook.',
    kind: 'physical',
    pointsPrice: 1200,
    stock: 500,
    perUserLimit: 5,
    aliases: ['笔记本', '本子', 'notebook'],
  },
  {
    slug: 'tote-bag',
    titleZh: '帆布包',
    titleEn: 'Canvas tote bag',
    descriptionZh: '结实的帆布托特包。',
    descriptionEn: 'A sturdy canvas tote bag.',
    kind: 'physical',
    pointsPrice: 1500,
    stock: 300,
    perUserLimit: 2,
    aliases: ['帆布包', '包', '袋子', 'tote', 'tote bag', 'bag'],
  },
  {
    slug: 'coupon-20',
    titleZh: '20元课程优惠券',
    titleEn: '¥20 course coupon',
    descriptionZh: '购买任意课程立减 20 元。',
    descriptionEn: '¥20 off any course purchase.',
    kind: 'coupon',
    pointsPrice: 2000,
    stock: null,
    perUserLimit: 10,
    aliases: ['优惠券', '20元券', '券', 'coupon', '20 coupon'],
  },
  {
    slug: 'ebook-habits',
    titleZh: '电子书《原子习惯》',
    titleEn: 'E-book "Atomic Habits"',
    descriptionZh: '《原子习惯》电子书，兑换后即可下载。',
    descriptionEn: 'The "Atomic Habits" e-book, ready to download after redemption.',
    kind: 'digital',
    pointsPrice: 1500,
    stock: null,
    perUserLimit: 1,
    aliases: ['电子书', '原子习惯', 'ebook', 'e-book', 'atomic habits'],
  },
  {
    slug: 'vip-trial-7d',
    titleZh: '7天VIP体验卡',
    titleEn: '7-day VIP trial',
    descriptionZh: '7 天 VIP 会员体验：双倍积分、VIP 免费课程。',
    descriptionEn: 'Seven days of VIP: double points and VIP-free courses.',
    kind: 'membership',
    pointsPrice: 5000,
    stock: null,
    perUserLimit: 1,
    aliases: ['vip体验卡', '体验卡', 'vip卡', 'vip trial', 'trial'],
  },
  {
    slug: 'headphones',
    titleZh: '降噪耳机',
    titleEn: 'Noise-cancelling headphones',
    descriptionZh: '主动降噪蓝牙耳机，限量 5 副。',
    descriptionEn: 'Active noise-cancelling Bluetooth headphones, only five available.',
    kind: 'physical',
    pointsPrice: 60000,
    stock: 5,
    perUserLimit: 1,
    aliases: ['耳机', '降噪耳机', 'headphones', 'headset', 'earphones'],
  },
];
