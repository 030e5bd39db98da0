# Golden figures for Yanxiu's statistics engine, computed by R.
#
# Run from internal/stats/testdata with `Rscript golden.R` (R >= 4.2, base
# packages only). It writes small deterministic datasets as CSV (set.seed),
# reads them back exactly as the Go tests do (an empty cell is missing),
# and writes golden_<dataset>.json: a list of cases, each the arguments of
# `yanxiu stats ...` and the JSON object R says it must print, with the
# field names of the command-line contract. dist.json holds distribution
# values (far tails included) for the unit tests of the p-value functions.
# The Go tests only read these files; R is not needed to run them.

options(warn = 1)

num <- function(v) {
  if (is.na(v)) return("null")
  if (is.infinite(v)) stop("infinite value in golden output")
  sprintf("%.17g", as.numeric(v))
}
str1 <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')
tojson <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- vapply(seq_along(x), function(i) paste0(str1(names(x)[i]), ":", tojson(x[[i]])), "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, tojson, ""), collapse = ","), "]"))
  }
  if (is.character(x) || is.factor(x)) {
    x <- as.character(x)
    if (length(x) == 1) return(str1(x))
    return(paste0("[", paste(vapply(x, str1, ""), collapse = ","), "]"))
  }
  x <- unname(as.numeric(x))
  if (length(x) == 1) return(num(x))
  paste0("[", paste(vapply(x, num, ""), collapse = ","), "]")
}

# Factor with levels in order of first appearance, as Yanxiu orders groups.
ffirst <- function(g) factor(g, levels = unique(g[!is.na(g)]))

fmt <- function(x, digits) ifelse(is.na(x), NA, formatC(x, format = "f", digits = digits))

write_data <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "", quote = FALSE)
  read.csv(file, na.strings = "", colClasses = "character", check.names = FALSE)
}
numcol <- function(d, name) as.numeric(d[[name]])
labcol <- function(d, name) { x <- d[[name]]; x[x == ""] <- NA; x }

## ---- analyses in the command-line contract's shape -------------------------

describe <- function(d, cols) {
  out <- list()
  for (col in cols) {
    all <- numcol(d, col)
    x <- all[!is.na(all)]
    n <- length(x); m <- mean(x); dev <- x - m; m2 <- sum(dev^2)
    g1 <- (sum(dev^3) / n) / (m2 / n)^1.5
    g2 <- (sum(dev^4) / n) / (m2 / n)^2 - 3
    ses <- sqrt(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
    out[[col]] <- list(
      n = n, missing = sum(is.na(all)), mean = m, sd = sd(x), variance = var(x),
      min = min(x), max = max(x), median = q[2], q1 = q[1], q3 = q[3],
      skewness = g1 * sqrt(n * (n - 1)) / (n - 2), skewness_se = ses,
      kurtosis = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)),
      kurtosis_se = 2 * ses * sqrt((n^2 - 1) / ((n - 3) * (n + 5))),
      lag1_autocorrelation = sum(dev[-1] * dev[-n]) / m2)
  }
  list(columns = out)
}

tt <- function(r, shift = 0) {
  list(t = r$statistic, df = r$parameter, p = r$p.value,
       mean_diff = if (length(r$estimate) == 2) r$estimate[1] - r$estimate[2] else r$estimate - shift,
       ci_low = r$conf.int[1] - shift, ci_high = r$conf.int[2] - shift)
}

levene <- function(x, g, center) {
  z <- abs(x - ave(x, g, FUN = center))
  a <- anova(lm(z ~ g))
  list(f = a$`F value`[1], df1 = a$Df[1], df2 = a$Df[2], p = a$`Pr(>F)`[1])
}

complete <- function(d, value, group) {
  x <- numcol(d, value); g <- labcol(d, group)
  ok <- !is.na(x) & !is.na(g)
  list(x = x[ok], g = ffirst(g[ok]))
}

ttest <- function(d, value, group) {
  c <- complete(d, value, group); x <- c$x; g <- c$g; lv <- levels(g)
  a <- x[g == lv[1]]; b <- x[g == lv[2]]
  na <- length(a); nb <- length(b)
  sp <- sqrt(((na - 1) * var(a) + (nb - 1) * var(b)) / (na + nb - 2))
  list(
    groups = lapply(lv, function(l) list(name = l, n = sum(g == l), mean = mean(x[g == l]), sd = sd(x[g == l]))),
    student = tt(t.test(a, b, var.equal = TRUE)),
    welch = tt(t.test(a, b)),
    levene = levene(x, g, mean),
    brown_forsythe = levene(x, g, median),
    cohen_d = (mean(a) - mean(b)) / sp)
}

paired <- function(d, a, b) {
  x <- numcol(d, a); y <- numcol(d, b); ok <- !is.na(x) & !is.na(y)
  tt(t.test(x[ok], y[ok], paired = TRUE))
}

onesample <- function(d, value, mu) {
  x <- numcol(d, value)
  tt(t.test(x[!is.na(x)], mu = mu), shift = mu)
}

anova1 <- function(d, value, group) {
  c <- complete(d, value, group); x <- c$x; g <- c$g; lv <- levels(g)
  fit <- aov(x ~ g); tab <- summary(fit)[[1]]
  ssb <- tab$`Sum Sq`[1]; ssw <- tab$`Sum Sq`[2]
  w <- oneway.test(x ~ g, var.equal = FALSE)
  lsd <- pairwise.t.test(x, g, p.adjust.method = "none", pool.sd = TRUE)$p.value
  bon <- pairwise.t.test(x, g, p.adjust.method = "bonferroni", pool.sd = TRUE)$p.value
  tk <- TukeyHSD(fit, conf.level = 0.95)$g
  means <- tapply(x, g, mean)
  pairs <- list(); bpairs <- list(); tpairs <- list(); row <- 0
  for (i in seq_along(lv)) for (j in seq_along(lv)) if (j > i) {
    row <- row + 1
    diff <- means[[j]] - means[[i]]
    pairs[[row]] <- list(a = lv[i], b = lv[j], diff = diff, p = lsd[lv[j], lv[i]])
    bpairs[[row]] <- list(a = lv[i], b = lv[j], diff = diff, p = bon[lv[j], lv[i]])
    key <- paste(lv[j], lv[i], sep = "-")
    tpairs[[row]] <- list(a = lv[i], b = lv[j], diff = tk[key, "diff"], lwr = tk[key, "lwr"],
                          upr = tk[key, "upr"], p = tk[key, "p adj"])
  }
  list(
    between = list(ss = ssb, df = tab$Df[1], ms = tab$`Mean Sq`[1]),
    within = list(ss = ssw, df = tab$Df[2], ms = tab$`Mean Sq`[2]),
    total = list(ss = ssb + ssw, df = tab$Df[1] + tab$Df[2]),
    f = tab$`F value`[1], p = tab$`Pr(>F)`[1],
    eta_squared = ssb / (ssb + ssw), r_squared = summary(lm(x ~ g))$r.squared,
    residual_sd = sqrt(tab$`Mean Sq`[2]),
    welch = list(f = w$statistic, df1 = w$parameter[1], df2 = w$parameter[2], p = w$p.value),
    posthoc = list(lsd = pairs, bonferroni = bpairs, tukey = tpairs))
}

chisq <- function(d, r, c) {
  a <- labcol(d, r); b <- labcol(d, c); ok <- !is.na(a) & !is.na(b)
  tab <- table(ffirst(a[ok]), ffirst(b[ok]))
  ch <- suppressWarnings(chisq.test(tab, correct = FALSE))
  out <- list(statistic = ch$statistic, df = ch$parameter, p = ch$p.value,
              expected = lapply(seq_len(nrow(tab)), function(i) as.list(unname(ch$expected[i, ]))))
  if (all(dim(tab) == 2)) {
    y <- suppressWarnings(chisq.test(tab, correct = TRUE))
    out$yates <- list(statistic = y$statistic, p = y$p.value)
    out$fisher_p <- fisher.test(tab)$p.value
  }
  out
}

corr <- function(d, xn, yn) {
  x <- numcol(d, xn); y <- numcol(d, yn); ok <- !is.na(x) & !is.na(y)
  p <- cor.test(x[ok], y[ok])
  s <- suppressWarnings(cor.test(x[ok], y[ok], method = "spearman", exact = FALSE))
  list(n = sum(ok), pearson = list(r = p$estimate, p = p$p.value), spearman = list(rho = s$estimate, p = s$p.value))
}

mannwhitney <- function(d, value, group) {
  c <- complete(d, value, group); x <- c$x; g <- c$g; lv <- levels(g)
  a <- x[g == lv[1]]; b <- x[g == lv[2]]
  w <- wilcox.test(a, b, exact = FALSE, correct = TRUE)
  # z exactly as wilcox.test forms it internally (it does not return it)
  na <- length(a); nb <- length(b); r <- rank(c(a, b)); nt <- table(r)
  z <- w$statistic - na * nb / 2
  sigma <- sqrt((na * nb / 12) * ((na + nb + 1) - sum(nt^3 - nt) / ((na + nb) * (na + nb - 1))))
  z <- (z - sign(z) * 0.5) / sigma
  list(u = w$statistic, z = z, p = w$p.value)
}

kruskal <- function(d, value, group) {
  c <- complete(d, value, group); k <- kruskal.test(c$x, c$g)
  list(h = k$statistic, df = k$parameter, p = k$p.value)
}

itemmatrix <- function(d, items) {
  X <- sapply(items, function(i) numcol(d, i))
  X[complete.cases(X), , drop = FALSE]
}

alpha_of <- function(X) { k <- ncol(X); C <- cov(X); k / (k - 1) * (1 - sum(diag(C)) / sum(C)) }

alpha <- function(d, items) {
  X <- itemmatrix(d, items); k <- ncol(X); R <- cor(X)
  rbar <- mean(R[upper.tri(R)])
  ifd <- list(); itc <- list()
  for (i in seq_len(k)) {
    ifd[[items[i]]] <- if (k > 2) alpha_of(X[, -i, drop = FALSE]) else NA
    itc[[items[i]]] <- cor(X[, i], rowSums(X[, -i, drop = FALSE]))
  }
  list(n = nrow(X), alpha = alpha_of(X), std_alpha = k * rbar / (1 + (k - 1) * rbar),
       if_deleted = ifd, item_total = itc)
}

kmo <- function(d, items) {
  X <- itemmatrix(d, items); p <- ncol(X); n <- nrow(X); R <- cor(X); Ri <- solve(R)
  A <- -Ri / sqrt(outer(diag(Ri), diag(Ri))); diag(A) <- 0
  R2 <- R^2; diag(R2) <- 0; A2 <- A^2
  per <- colSums(R2) / (colSums(R2) + colSums(A2))
  chi2 <- -(n - 1 - (2 * p + 5) / 6) * log(det(R)); df <- p * (p - 1) / 2
  list(kmo = sum(R2) / (sum(R2) + sum(A2)), per_item = setNames(as.list(per), items),
       bartlett = list(chi2 = chi2, df = df, p = pchisq(chi2, df, lower.tail = FALSE)))
}

case <- function(args, want) list(args = as.list(args), want = want)

write_golden <- function(name, csv, cases) {
  writeLines(tojson(list(dataset = csv, cases = cases)), paste0("golden_", name, ".json"))
}

## ---- dataset 1: a teacher survey -------------------------------------------

set.seed(20240501)
n <- 240
gender <- sample(c("F", "M"), n, replace = TRUE, prob = c(0.62, 0.38))
band <- sample(c("6-10", "0-5", "11-20", "21+"), n, replace = TRUE, prob = c(0.3, 0.2, 0.3, 0.2))
location <- sample(c("urban", "town", "rural"), n, replace = TRUE)
title <- ifelse(runif(n) < ifelse(location == "urban", 0.6, 0.35), "senior", "junior")
latent1 <- rnorm(n); latent2 <- rnorm(n)
likert <- function(z) pmin(5, pmax(1, round(3 + z)))
items <- sapply(1:8, function(i) likert((if (i <= 4) latent1 else latent2) * 0.9 + rnorm(n, 0, 0.8)))
colnames(items) <- paste0("i", 1:8)
bandeff <- c("0-5" = 0, "6-10" = 0.35, "11-20" = 0.6, "21+" = 0.5)[band]
score <- round(3.2 + bandeff + 0.25 * (gender == "F") + rnorm(n, 0, 0.7 + 0.2 * (band == "21+")), 2)
pre <- round(60 + 8 * latent1 + rnorm(n, 0, 6), 1)
post <- round(pre + 2.5 + rnorm(n, 0, 5), 1)
years <- round(pmax(0, rnorm(n, 12, 7)))
miss <- function(x, k) { x[sample(n, k)] <- NA; x }
df <- data.frame(id = 1:n, gender = miss(gender, 4), band = miss(band, 3), location = location,
                 title = miss(title, 5), score = fmt(miss(score, 6), 2), pre = fmt(miss(pre, 5), 1),
                 post = fmt(miss(post, 7), 1), years = miss(years, 2))
for (i in 1:8) df[[paste0("i", i)]] <- miss(items[, i], 3)
d <- write_data(df, "survey.csv")

write_golden("survey", "survey.csv", list(
  case(c("describe", "--cols", "score,pre,i1,years"), describe(d, c("score", "pre", "i1", "years"))),
  case(c("ttest", "--value", "score", "--group", "gender"), ttest(d, "score", "gender")),
  case(c("ttest", "--paired", "post,pre"), paired(d, "post", "pre")),
  case(c("ttest", "--value", "score", "--mu", "3.5"), onesample(d, "score", 3.5)),
  case(c("anova", "--value", "score", "--group", "band"), anova1(d, "score", "band")),
  case(c("anova", "--value", "i3", "--group", "location"), anova1(d, "i3", "location")),
  case(c("chisq", "--row", "location", "--col", "title"), chisq(d, "location", "title")),
  case(c("chisq", "--row", "gender", "--col", "title"), chisq(d, "gender", "title")),
  case(c("corr", "--x", "pre", "--y", "post"), corr(d, "pre", "post")),
  case(c("corr", "--x", "i1", "--y", "i2"), corr(d, "i1", "i2")),
  case(c("mannwhitney", "--value", "i5", "--group", "gender"), mannwhitney(d, "i5", "gender")),
  case(c("kruskal", "--value", "score", "--group", "band"), kruskal(d, "score", "band")),
  case(c("alpha", "--items", "i1,i2,i3,i4"), alpha(d, c("i1", "i2", "i3", "i4"))),
  case(c("alpha", "--items", "i5,i6"), alpha(d, c("i5", "i6"))),
  case(c("kmo", "--items", "i1,i2,i3,i4,i5,i6,i7,i8"), kmo(d, paste0("i", 1:8)))
))

## ---- dataset 2: effects so large that p-values sit in the far tail ----------

set.seed(7)
n <- 400
grp <- rep(c("A", "B"), each = n / 2)
value <- round(ifelse(grp == "A", 10, 14) + rnorm(n), 3)
band3 <- rep(c("low", "mid", "high"), length.out = n)
level <- round(c(low = 0, mid = 1.5, high = 3)[band3] + rnorm(n), 3)
x <- round(rnorm(n, 50, 10), 2)
y <- round(x + rnorm(n, 0, 3), 2)
r2 <- rep(c("yes", "no"), each = n / 2)
c2 <- ifelse(runif(n) < ifelse(r2 == "yes", 0.9, 0.1), "agree", "disagree")
d <- write_data(data.frame(grp, value = fmt(value, 3), band3, level = fmt(level, 3),
                           x = fmt(x, 2), y = fmt(y, 2), r2, c2), "fartail.csv")
write_golden("fartail", "fartail.csv", list(
  case(c("ttest", "--value", "value", "--group", "grp"), ttest(d, "value", "grp")),
  case(c("ttest", "--value", "value", "--mu", "6"), onesample(d, "value", 6)),
  case(c("anova", "--value", "level", "--group", "band3"), anova1(d, "level", "band3")),
  case(c("corr", "--x", "x", "--y", "y"), corr(d, "x", "y")),
  case(c("chisq", "--row", "r2", "--col", "c2"), chisq(d, "r2", "c2")),
  case(c("mannwhitney", "--value", "value", "--group", "grp"), mannwhitney(d, "value", "grp")),
  case(c("kruskal", "--value", "level", "--group", "band3"), kruskal(d, "level", "band3"))
))

## ---- dataset 3: a dozen rows with ties and sparse cells ----------------------

d <- write_data(data.frame(
  g = c("b", "a", "b", "a", "b", "a", "c", "c", "a", "b", "c", "a"),
  v = c("3", "1", "4", "1", "5", "", "2", "6", "5", "3", "5", "3"),
  w = c("2.5", "2.5", "3", "1", "4", "2", "2", "5", "", "3", "4", "2.5"),
  r = c("x", "y", "x", "x", "y", "x", "y", "x", "x", "y", "x", "x"),
  c = c("p", "p", "q", "p", "q", "q", "p", "p", "q", "", "p", "p")), "small.csv")
write_golden("small", "small.csv", list(
  case(c("describe", "--cols", "v,w"), describe(d, c("v", "w"))),
  case(c("ttest", "--value", "v", "--group", "r"), ttest(d, "v", "r")),
  case(c("ttest", "--paired", "v,w"), paired(d, "v", "w")),
  case(c("anova", "--value", "v", "--group", "g"), anova1(d, "v", "g")),
  case(c("chisq", "--row", "r", "--col", "c"), chisq(d, "r", "c")),
  case(c("corr", "--x", "v", "--y", "w"), corr(d, "v", "w")),
  case(c("mannwhitney", "--value", "v", "--group", "r"), mannwhitney(d, "v", "r")),
  case(c("kruskal", "--value", "w", "--group", "g"), kruskal(d, "w", "g")),
  case(c("alpha", "--items", "v,w"), alpha(d, c("v", "w")))
))

## ---- distribution functions, including far tails --------------------------

rows <- function(...) { g <- expand.grid(...); g }
tq <- rows(t = c(0.01, 0.7, 1.96, 3, 8, 25, 60, 150), df = c(1, 2, 5, 17, 100, 1234.5, 18000, 1e6))
fq <- rows(f = c(0.2, 1, 3.5, 12, 60, 400, 2500), d1 = c(1, 3, 8), d2 = c(4, 30, 180.7, 1800, 18000, 1e6))
cq <- rows(x = c(0.05, 1, 4, 15, 60, 300, 1200), df = c(1, 2, 5, 12, 45, 300))
pk <- rows(q = c(0.5, 1.5, 2.5, 3.5, 4.5, 6, 8), k = c(2, 3, 4, 6, 10), df = c(2, 5, 12, 60, 150, 900, 6000, 30000))
qk <- rows(p = c(0.9, 0.95, 0.99), k = c(2, 3, 4, 6, 10), df = c(2, 5, 12, 60, 150, 900, 6000, 30000))
qtq <- rows(p = c(0.975), df = c(1, 2, 3, 7, 29, 236, 18000, 1e6))
mat <- function(m) lapply(seq_len(nrow(m)), function(i) as.list(unname(unlist(m[i, ]))))
writeLines(tojson(list(
  pt2 = mat(cbind(tq, p = 2 * pt(-tq$t, tq$df))),
  pf = mat(cbind(fq, p = pf(fq$f, fq$d1, fq$d2, lower.tail = FALSE))),
  pchisq = mat(cbind(cq, p = pchisq(cq$x, cq$df, lower.tail = FALSE))),
  qt = mat(cbind(qtq, q = qt(qtq$p, qtq$df))),
  ptukey = mat(cbind(pk, p = ptukey(pk$q, pk$k, pk$df, lower.tail = FALSE))),
  qtukey = mat(cbind(qk, q = qtukey(qk$p, qk$k, qk$df)))
)), "dist.json")
